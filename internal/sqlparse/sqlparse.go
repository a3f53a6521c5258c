// Package sqlparse turns PostgreSQL SQL into our own statement facts. It is
// the only importer of pg_query, so a parser change touches this folder only.
//
// Parse walks the whole parse tree: every key of every node, checked
// against pg_query's protobuf schema, so a function call or a nested
// statement cannot hide in a node type this package does not name. A tree
// holding anything the schema does not describe is an error.
package sqlparse

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// ErrEmpty means the SQL holds no statement at all (only blanks or comments).
var ErrEmpty = errors.New("no SQL statement")

var (
	errNotUTF8 = &SyntaxError{Message: "the SQL text is not valid UTF-8"}
	// pg_query reads a C string: text after a NUL byte would go unseen.
	errNUL = &SyntaxError{Message: "the SQL text contains a NUL byte"}
)

// checkText refuses text the C parser would not see whole, or could not
// survive (see MaxNesting).
func checkText(sql string) error {
	if !utf8.ValidString(sql) {
		return errNotUTF8
	}
	if strings.IndexByte(sql, 0) >= 0 {
		return errNUL
	}
	return checkNesting(sql)
}

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

// Class groups statement kinds for policy.
type Class string

const (
	ClassRead        Class = "read"        // SELECT, VALUES, TABLE, SHOW, EXPLAIN
	ClassDML         Class = "dml"         // INSERT, UPDATE, DELETE, MERGE, row locks, COPY FROM STDIN
	ClassDDL         Class = "ddl"         // CREATE, ALTER, DROP, TRUNCATE, SELECT INTO, COMMENT
	ClassAdmin       Class = "admin"       // roles, GRANT, VACUUM, extensions, CALL, DO, COPY with files or programs
	ClassSession     Class = "session"     // SET, RESET, PREPARE, EXECUTE, cursors, LISTEN
	ClassTransaction Class = "transaction" // BEGIN, COMMIT, ROLLBACK, SET TRANSACTION
	ClassUtility     Class = "utility"     // NOTIFY, COPY TO STDOUT, and other non-queries
)

// Statement is what we know about one statement.
type Statement struct {
	// Kind is the statement in lower-case SQL words: "select", "insert",
	// "explain", "show", "set", "set transaction", "begin", "commit",
	// "create table", "drop function", "copy", "call", "do", ...
	Kind string
	// Class is the policy class of the statement as a whole: a SELECT with
	// INTO is ddl, one with a locking clause or a data-modifying CTE is dml,
	// EXPLAIN ANALYZE has the class of the statement it runs.
	Class Class
	// Into is set when the statement creates a table from a query
	// (SELECT ... INTO, CREATE TABLE AS), at any depth.
	Into bool
	// Locking lists the row-locking clauses found anywhere: "FOR UPDATE",
	// "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE".
	Locking []string
	// Nested lists the kinds of statements other than SELECT found inside
	// this one: "delete" for WITH d AS (DELETE ...) SELECT ..., at any depth.
	Nested []string
	// Analyze and Options describe EXPLAIN: the options switched on,
	// lower-case ("analyze", "verbose", "buffers", ...).
	Analyze bool
	Options []string
	// Inner is the statement EXPLAIN explains; its facts are its own.
	Inner *Statement
	// CTEs are the names of the WITH queries defined anywhere.
	CTEs []string
	// Functions, Operators and Relations are every function called,
	// operator used and relation named, each listed once, in order.
	Functions []Function
	Operators []Operator
	Relations []Relation
	// Fields are the names selected with a dot: f in t.f, s.t.f and
	// (expr).f. When no column has that name, PostgreSQL calls a function
	// f with the row as its one argument (attribute notation), so each is
	// also a possible function call.
	Fields []string
}

// Function is a function call as written. Name is what PostgreSQL looks
// up: lower-case unless quoted; Schema is "" when unqualified.
type Function struct {
	Schema string
	Name   string
	InFrom bool // a table function in FROM (also ROWS FROM, LATERAL, TABLESAMPLE methods)
}

// Operator is an operator as written; Schema is set for OPERATOR(s.op).
type Operator struct {
	Schema string
	Name   string
}

// Relation is a table, view or CTE reference as written.
type Relation struct {
	Schema string
	Name   string
}

// Facts describe a whole SQL text.
type Facts struct {
	Statements []Statement
	// AmbiguousString is set when a string literal holds a backslash
	// before a quote: the text then splits into different tokens when the
	// server runs with standard_conforming_strings off.
	AmbiguousString bool
}

// Parse parses PostgreSQL SQL into facts. It returns ErrEmpty for a blank
// text, ErrTooDeep for a statement nesting deeper than MaxNesting, and a
// *SyntaxError for text that does not parse.
func Parse(sql string) (Facts, error) {
	if err := checkText(sql); err != nil {
		return Facts{}, err
	}
	tree, err := parser.ParseToJSON(sql)
	if err != nil {
		return Facts{}, syntaxError(err)
	}
	w := walkers.Get().(*walker)
	defer release(w)
	stmts, err := w.parseResult(tree)
	if err != nil {
		return Facts{}, err
	}
	if len(stmts) == 0 {
		return Facts{}, ErrEmpty
	}
	return Facts{Statements: stmts, AmbiguousString: ambiguousString(sql)}, nil
}

var walkers = sync.Pool{New: func() any { return &walker{} }}

// release returns w to the pool without the tree text, and without its
// buffers when a huge statement grew them.
func release(w *walker) {
	w.d.src, w.st = "", nil
	if cap(w.d.vals) > 1<<16 || cap(w.d.mems) > 1<<16 {
		*w = walker{}
	}
	walkers.Put(w)
}

// Fingerprint returns the pg_query fingerprint of sql, or "" when sql does
// not parse as PostgreSQL (or is not safe to parse, see MaxNesting).
func Fingerprint(sql string) string {
	if checkText(sql) != nil {
		return ""
	}
	fp, err := pg_query.Fingerprint(sql)
	if err != nil {
		return ""
	}
	return fp
}

func syntaxError(err error) error {
	var pe *parser.Error
	if errors.As(err, &pe) {
		return &SyntaxError{Message: pe.Message, Position: pe.Cursorpos}
	}
	return &SyntaxError{Message: err.Error()}
}
