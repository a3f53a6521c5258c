package slbench

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadSnowDatabase loads one Spider 2.0-Snow database from
// resource/databases/<db>/<SCHEMA>/DDL.csv, resolving DUPLICATES.tsv.
// Schemas are in name order, tables in file order within a schema.
func LoadSnowDatabase(dbRoot, db string, dups map[string]string) (*Database, error) {
	files := map[string]string{} // schema -> DDL.csv path
	entries, err := os.ReadDir(filepath.Join(dbRoot, db))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(dbRoot, db, e.Name(), "DDL.csv")
		if _, err := os.Stat(p); err == nil {
			files[e.Name()] = p
		}
	}
	for dup, orig := range dups {
		parts := strings.Split(dup, "/")
		if len(parts) == 3 && parts[0] == db {
			if _, ok := files[parts[1]]; !ok {
				files[parts[1]] = filepath.Join(dbRoot, filepath.FromSlash(orig))
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("database %s: no DDL.csv: %w", db, fs.ErrNotExist)
	}
	schemas := make([]string, 0, len(files))
	for s := range files {
		schemas = append(schemas, s)
	}
	sort.Strings(schemas)
	out := &Database{ID: db}
	for _, s := range schemas {
		tables, err := readDDLCSV(files[s], db, s)
		if err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, tables...)
	}
	return out, nil
}

func readDDLCSV(path, db, schema string) ([]*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []*Table
	for i, rec := range recs {
		if i == 0 || len(rec) < 3 {
			continue // header
		}
		name := rec[0]
		key := db + "." + schema + "." + name
		if strings.Contains(name, ".") { // already DB.SCHEMA.TABLE
			key = name
			name = name[strings.LastIndex(name, ".")+1:]
		}
		t := &Table{Key: strings.ToLower(key), Name: name, Schema: schema,
			Description: rec[1], DDL: rec[2], Columns: ParseDDLColumns(rec[2])}
		out = append(out, t)
	}
	return out, nil
}

// ParseDDLColumns extracts columns from Snowflake DDL text: quoted
// `"name" TYPE` lines, else bare `NAME TYPE` lines.
func ParseDDLColumns(ddl string) []Column {
	var cols []Column
	lines := strings.Split(ddl, "\n")
	for i, l := range lines {
		if i == 0 {
			continue // CREATE ... (
		}
		s := strings.TrimSpace(l)
		s = strings.TrimSuffix(s, ",")
		if s == "" || strings.HasPrefix(s, ")") {
			continue
		}
		var name, typ string
		if s[0] == '"' {
			var ok bool
			if name, typ, ok = cutQuoted(s); !ok {
				continue
			}
		} else {
			f := strings.Fields(s)
			if len(f) < 2 {
				continue
			}
			name, typ = f[0], strings.Join(f[1:], " ")
		}
		cols = append(cols, Column{Name: name, Type: typ})
	}
	return cols
}

// cutQuoted splits `"na""me" TYPE` into name and type.
func cutQuoted(s string) (name, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), strings.TrimSpace(s[i+1:]), true
	}
	return "", "", false
}

// LoadDuplicates reads DUPLICATES.tsv: path (relative to the spider2-snow
// folder) -> identical_to, both reduced to "DB/SCHEMA/DDL.csv".
func LoadDuplicates(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	out := map[string]string{}
	for i, l := range strings.Split(string(b), "\n") {
		f := strings.Split(strings.TrimSpace(l), "\t")
		if i == 0 || len(f) != 2 {
			continue
		}
		const pre = "resource/databases/"
		out[strings.TrimPrefix(f[0], pre)] = strings.TrimPrefix(f[1], pre)
	}
	return out, nil
}

// LoadSnowQuestions reads spider2-snow.jsonl and the gold-tables file.
func LoadSnowQuestions(questions, goldTables string) ([]Question, error) {
	gold := map[string][]string{}
	if err := readJSONL(goldTables, func(b []byte) error {
		var g struct {
			ID     string   `json:"instance_id"`
			Tables []string `json:"gold_tables"`
		}
		if err := json.Unmarshal(b, &g); err != nil {
			return err
		}
		for _, t := range g.Tables {
			gold[g.ID] = append(gold[g.ID], strings.ToLower(t))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var qs []Question
	err := readJSONL(questions, func(b []byte) error {
		var q struct {
			ID          string `json:"instance_id"`
			Instruction string `json:"instruction"`
			DB          string `json:"db_id"`
		}
		if err := json.Unmarshal(b, &q); err != nil {
			return err
		}
		qs = append(qs, Question{ID: q.ID, DB: q.DB, Question: q.Instruction, GoldTables: gold[q.ID]})
		return nil
	})
	return qs, err
}

func readJSONL(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
	}
	return sc.Err()
}
