// Package sqlparse turns PostgreSQL SQL into our own statement facts. It is
// the only importer of pg_query, so a parser change touches this folder only.
package sqlparse

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// ErrEmpty means the SQL holds no statement at all (only blanks or comments).
var ErrEmpty = errors.New("no SQL statement")

var errNotUTF8 = &SyntaxError{Message: "the SQL text is not valid UTF-8"}

// SyntaxError is a parse failure with the parser's message and position.
type SyntaxError struct {
	Message  string
	Position int // 1-based character offset, 0 if unknown
}

func (e *SyntaxError) Error() string {
	if e.Position > 0 {
		return fmt.Sprintf("syntax error: %s (at character %d)", e.Message, e.Position)
	}
	return "syntax error: " + e.Message
}

// Statement is what we know about one parsed statement.
type Statement struct {
	// Kind is the parse node name without the "Stmt" suffix, lower-case:
	// "select", "insert", "update", "delete", "merge", "explain",
	// "variableshow", "create", "drop", "transaction", ...
	Kind string
	// Analyze is set for EXPLAIN ANALYZE.
	Analyze bool
	// Inner is the explained statement for EXPLAIN.
	Inner *Statement
}

// Facts describe a whole SQL text.
type Facts struct {
	Statements  []Statement
	Fingerprint string // pg_query fingerprint, hex; empty if it could not be computed
}

// Parse parses PostgreSQL SQL. It returns ErrEmpty for a blank text and a
// *SyntaxError for text that does not parse.
func Parse(sql string) (Facts, error) {
	if !utf8.ValidString(sql) {
		return Facts{}, errNotUTF8
	}
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return Facts{}, syntaxError(err)
	}
	if len(tree.Stmts) == 0 {
		return Facts{}, ErrEmpty
	}
	f := Facts{Statements: make([]Statement, 0, len(tree.Stmts))}
	for _, raw := range tree.Stmts {
		f.Statements = append(f.Statements, statementOf(raw.Stmt))
	}
	f.Fingerprint = Fingerprint(sql)
	return f, nil
}

// Fingerprint returns the pg_query fingerprint of sql, or "" when sql does
// not parse as PostgreSQL.
func Fingerprint(sql string) string {
	fp, err := pg_query.Fingerprint(sql)
	if err != nil {
		return ""
	}
	return fp
}

func statementOf(n *pg_query.Node) Statement {
	if n == nil {
		return Statement{Kind: "unknown"}
	}
	if ex := n.GetExplainStmt(); ex != nil {
		st := Statement{Kind: "explain"}
		for _, o := range ex.Options {
			if d := o.GetDefElem(); d != nil && strings.EqualFold(d.Defname, "analyze") {
				st.Analyze = defElemTrue(d)
			}
		}
		inner := statementOf(ex.Query)
		st.Inner = &inner
		return st
	}
	return Statement{Kind: kindName(n)}
}

// defElemTrue reports whether an option like ANALYZE, ANALYZE true or
// ANALYZE on is switched on.
func defElemTrue(d *pg_query.DefElem) bool {
	if d.Arg == nil {
		return true
	}
	if b := d.Arg.GetBoolean(); b != nil {
		return b.Boolval
	}
	if s := d.Arg.GetString_(); s != nil {
		v := strings.ToLower(s.Sval)
		return v == "true" || v == "on" || v == "1" || v == "yes"
	}
	if i := d.Arg.GetInteger(); i != nil {
		return i.Ival != 0
	}
	return true
}

// kindName derives "select" from the oneof wrapper type *pg_query.Node_SelectStmt.
func kindName(n *pg_query.Node) string {
	name := fmt.Sprintf("%T", n.Node)
	name = strings.TrimPrefix(name, "*pg_query.Node_")
	name = strings.TrimSuffix(name, "Stmt")
	return strings.ToLower(name)
}

func syntaxError(err error) error {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return &SyntaxError{Message: pe.Message, Position: pe.Cursorpos}
	}
	return &SyntaxError{Message: err.Error()}
}
