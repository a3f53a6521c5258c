package lineage

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

var orReplaceTable = regexp.MustCompile(`(?is)^\s*create\s+or\s+replace\s+((?:temp|temporary)\s+)?table\b`)

// errNotWrapped means the SQL is not a statement wrapping a query.
var errNotWrapped = errors.New("not a statement around a query")

// duckWrapped reads a DuckDB statement that wraps a query DuckDB alone
// can parse: CREATE [OR REPLACE] [TEMP] TABLE|VIEW name [(cols)] AS query,
// or INSERT INTO name [(cols)] query. DuckDB's parser serializes only
// SELECT, so the head is read by pg_query with the query replaced by
// SELECT 1, and the query by DuckDB.
func duckWrapped(ctx context.Context, sql string) ([]relq.Stmt, error) {
	split := wrapSplit(sql)
	if split < 0 {
		return nil, errNotWrapped
	}
	// PostgreSQL has no CREATE OR REPLACE TABLE; the head means the same
	// without OR REPLACE.
	h := orReplaceTable.ReplaceAllString(sql[:split], "CREATE ${1}TABLE")
	head, err := sqlparse.Shape(h + " SELECT 1")
	if err != nil || len(head) != 1 || head[0].Query == nil {
		return nil, errNotWrapped
	}
	switch head[0].Kind {
	case "create table as", "create view", "create materialized view", "insert":
	default:
		return nil, errNotWrapped
	}
	body, err := duckParse(ctx, sql[split:])
	if err != nil {
		return nil, err
	}
	if len(body) != 1 || body[0].Query == nil {
		return nil, errNotWrapped
	}
	st := head[0]
	st.Query, st.Text = body[0].Query, strings.TrimSpace(sql)
	return []relq.Stmt{st}, nil
}

// token is a word, a quoted identifier, a string or one punctuation byte.
type token struct {
	text string // lower case for words
	pos  int
	word bool
}

// tokens splits sql into tokens, skipping comments and blanks.
func tokens(sql string) []token {
	var out []token
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return append(out, token{text: "/*", pos: i})
			}
			i += end + 4
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(sql) {
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			out = append(out, token{text: sql[i:min(j+1, len(sql))], pos: i})
			i = j + 1
		case c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9'):
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j] == '$' || sql[j] >= 0x80 || (sql[j]|0x20 >= 'a' && sql[j]|0x20 <= 'z') || (sql[j] >= '0' && sql[j] <= '9')) {
				j++
			}
			out = append(out, token{text: strings.ToLower(sql[i:j]), pos: i, word: true})
			i = j
		default:
			out = append(out, token{text: sql[i : i+1], pos: i})
			i++
		}
	}
	return out
}

// queryStart reports whether a token can begin a query.
func queryStart(t token) bool {
	switch t.text {
	case "select", "with", "from", "values", "pivot", "unpivot", "(", "table":
		return true
	}
	return false
}

// wrapSplit returns the byte offset where the wrapped query starts, or -1.
func wrapSplit(sql string) int {
	ts := tokens(sql)
	// One statement: no top-level semicolon but a trailing one.
	depth := 0
	for i, t := range ts {
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		case ";":
			if depth == 0 && i != len(ts)-1 {
				return -1
			}
		}
	}
	if len(ts) < 4 {
		return -1
	}
	switch ts[0].text {
	case "create":
		depth = 0
		for i := 1; i+1 < len(ts); i++ {
			switch ts[i].text {
			case "(":
				depth++
			case ")":
				depth--
			case "as":
				if depth == 0 && queryStart(ts[i+1]) {
					return ts[i+1].pos
				}
			}
		}
	case "insert":
		i := 1
		if ts[i].text == "or" && i+2 < len(ts) {
			i += 2
		}
		if ts[i].text != "into" {
			return -1
		}
		i++
		// The target: words or quoted names joined by dots, an optional alias.
		for i < len(ts) && (ts[i].word || strings.HasPrefix(ts[i].text, `"`) || ts[i].text == ".") && !queryStart(ts[i]) {
			i++
		}
		if i < len(ts) && ts[i].text == "(" && i+1 < len(ts) && !queryStart(ts[i+1]) {
			for d := 0; i < len(ts); i++ { // the column list
				if ts[i].text == "(" {
					d++
				} else if ts[i].text == ")" {
					if d--; d == 0 {
						i++
						break
					}
				}
			}
		}
		if i < len(ts) && queryStart(ts[i]) {
			return ts[i].pos
		}
	}
	return -1
}
