package slbench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Question is one benchmark item.
type Question struct {
	ID         string
	DB         string
	Question   string
	Evidence   string
	SQL        string
	Difficulty string
	GoldTables []string // table keys
	// SpiderSQL is Spider's parsed `sql` tree (spider-dev only), for the check.
	SpiderSQL json.RawMessage
}

// QueryText returns the text given to selectors for the variant.
func (q Question) QueryText(variant string) string {
	if variant == VariantEvidence && q.Evidence != "" {
		return q.Question + " " + q.Evidence
	}
	return q.Question
}

// Query variants.
const (
	VariantQuestion = "question"
	VariantEvidence = "question+evidence"
)

// spiderTables is the tables.json format shared by Spider and BIRD.
type spiderTables struct {
	DBID                string   `json:"db_id"`
	TableNamesOriginal  []string `json:"table_names_original"`
	ColumnNamesOriginal [][2]any `json:"column_names_original"`
	ColumnTypes         []string `json:"column_types"`
	PrimaryKeys         []any    `json:"primary_keys"`
	ForeignKeys         [][2]int `json:"foreign_keys"`
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	return nil
}

// LoadTablesJSON reads a Spider/BIRD tables.json. meanings (may be nil) maps
// "db|table|column" to a description.
// The second result maps each database to its column ids as
// (table index, column index) pairs, -1 for '*'.
func LoadTablesJSON(path string, meanings map[string]string) (map[string]*Database, map[string][][2]int, error) {
	var raw []spiderTables
	if err := readJSON(path, &raw); err != nil {
		return nil, nil, err
	}
	out := make(map[string]*Database, len(raw))
	index := make(map[string][][2]int, len(raw))
	for _, r := range raw {
		db := &Database{ID: r.DBID, Sep: "\n"}
		for _, n := range r.TableNamesOriginal {
			db.Tables = append(db.Tables, &Table{Key: strings.ToLower(n), Name: n})
		}
		type ref struct{ t, c int }
		cols := make([]ref, len(r.ColumnNamesOriginal))
		for i, cn := range r.ColumnNamesOriginal {
			ti := int(cn[0].(float64))
			name, _ := cn[1].(string)
			cols[i] = ref{ti, -1}
			if ti < 0 {
				continue
			}
			t := db.Tables[ti]
			c := Column{Name: name, Type: r.ColumnTypes[i]}
			if meanings != nil {
				c.Description = cleanMeaning(meanings[r.DBID+"|"+t.Name+"|"+name])
			}
			cols[i].c = len(t.Columns)
			t.Columns = append(t.Columns, c)
		}
		colName := func(i int) (*Table, string) {
			t := db.Tables[cols[i].t]
			return t, t.Columns[cols[i].c].Name
		}
		var pks []int
		for _, p := range r.PrimaryKeys {
			switch v := p.(type) {
			case float64:
				pks = append(pks, int(v))
			case []any:
				for _, x := range v {
					pks = append(pks, int(x.(float64)))
				}
			}
		}
		for _, p := range pks {
			t, c := colName(p)
			t.PrimaryKey = append(t.PrimaryKey, c)
		}
		for _, fk := range r.ForeignKeys {
			t, c := colName(fk[0])
			rt, rc := colName(fk[1])
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{Column: c, RefTable: rt.Name, RefColumn: rc})
		}
		out[r.DBID] = db
		idx := make([][2]int, len(cols))
		for i, c := range cols {
			idx[i] = [2]int{c.t, c.c}
		}
		index[r.DBID] = idx
	}
	return out, index, nil
}

// cleanMeaning applies §3: leading '#' and surrounding whitespace removed,
// newlines replaced by spaces.
func cleanMeaning(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "#")
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// LoadMeanings reads BIRD's column_meaning.json.
func LoadMeanings(path string) (map[string]string, error) {
	m := map[string]string{}
	return m, readJSON(path, &m)
}

type rawQuestion struct {
	QuestionID any             `json:"question_id"`
	DBID       string          `json:"db_id"`
	Question   string          `json:"question"`
	Evidence   string          `json:"evidence"`
	SQL        string          `json:"SQL"`
	Query      string          `json:"query"`
	Difficulty string          `json:"difficulty"`
	Tree       json.RawMessage `json:"sql"`
}

// LoadQuestionsJSON reads Spider dev.json or BIRD dev.json / mini-dev.
func LoadQuestionsJSON(path string) ([]Question, error) {
	var raw []rawQuestion
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	qs := make([]Question, len(raw))
	for i, r := range raw {
		q := Question{ID: fmt.Sprint(i), DB: r.DBID, Question: r.Question, Evidence: r.Evidence,
			SQL: r.SQL, Difficulty: r.Difficulty}
		if r.QuestionID != nil {
			q.ID = fmt.Sprint(r.QuestionID)
		}
		if q.SQL == "" {
			q.SQL = r.Query
			q.SpiderSQL = r.Tree
		}
		qs[i] = q
	}
	return qs, nil
}
