// Package lineage computes table and column lineage of SQL: which
// relations a statement or script reads and writes, and which base columns
// feed each column it produces. Naming and meaning follow the conventions
// of the project's lineage test data (names as written, one hop per
// statement in scripts, filters are not sources).
//
// PostgreSQL SQL is read with pg_query (through internal/sqlparse); SQL
// only DuckDB can read falls back to DuckDB's own parser.
package lineage

import "github.com/iopsdata/iopsdata/internal/relq"

// Schema maps a table, keyed as it is written in the SQL, to its ordered
// column names. It drives * expansion, INSERT by position and resolving
// unqualified columns.
type Schema map[string][]string

// Catalog supplies the columns of a table the SQL names, when Schema does
// not: typically a live connection's catalog. ok is false for an unknown
// table.
type Catalog interface {
	Columns(name relq.Name) (cols []string, ok bool)
}

// Options tune one analysis.
type Options struct {
	Schema  Schema
	Catalog Catalog
	// Dialect is "postgres", "duckdb", or "" to try PostgreSQL first and
	// fall back to DuckDB's parser for what pg_query cannot read.
	Dialect string
}

// Transform is a set of OpenLineage transformation types, as bits.
type Transform uint8

const (
	TIdentity       Transform = 1 << iota // DIRECT/IDENTITY
	TTransformation                       // DIRECT/TRANSFORMATION
	TAggregation                          // DIRECT/AGGREGATION
	TConditional                          // INDIRECT/CONDITIONAL
	TWindow                               // INDIRECT/WINDOW
)

// Column is a column of a relation, the relation named as written.
type Column struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

func (c Column) String() string { return c.Table + "." + c.Column }

// Edge says that Source feeds Target, and how.
type Edge struct {
	Target Column
	Source Column
	How    Transform
}

// Use is a base column a statement refers to without it feeding an
// output: in WHERE, JOIN, GROUP BY, ORDER BY and the like.
type Use struct {
	Column Column
	Role   relq.Role
}

// Statement is the lineage of one statement.
type Statement struct {
	Kind    string
	SQL     string
	Read    []string
	Write   []string
	CTEs    []string
	Columns map[string][]string
	Edges   []Edge
	Uses    []Use
}

// Result is the lineage of a SQL text.
type Result struct {
	Dialect    string // "postgres" or "duckdb": the parser that read it
	Read       []string
	Write      []string
	CTEs       []string
	Columns    map[string][]string // "target.col" → sorted sources
	Statements []Statement
	// Warnings say what could not be resolved and how to fix it (pass a
	// schema, qualify a column).
	Warnings []string
}
