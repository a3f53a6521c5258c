// Package catalog introspects database schemas through a source.Source:
// which tables exist (ListTables) and what one of them looks like
// (DescribeTable). Each call issues a constant number of catalog queries,
// whatever the number of tables, with every name passed as a parameter.
//
// Engine-specific SQL lives in postgres.go and duckdb.go; both return rows of
// the same shape, decoded once here.
//
// For schema context at scale: LoadSnapshot reads a whole catalog in five
// queries (snapshot_sql.go); Cache keeps one Snapshot per connection,
// shared by concurrent callers and checked against a fingerprint query;
// AddSamples adds a few values per column to the tables a context shows;
// Context ranks tables and columns for a question (rank.go) and renders
// DDL within a token budget (render.go), or an overview without one. A
// Snapshot can also be built from plain values, for benchmarks.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Table kinds.
const (
	KindTable            = "table" // includes PostgreSQL partitioned tables
	KindView             = "view"
	KindMaterializedView = "materialized_view"
	KindForeignTable     = "foreign_table"
)

// Table is one relation a query can read from.
type Table struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	// RowEstimate is the planner's estimate (PostgreSQL reltuples, DuckDB
	// estimated_size), -1 when unknown: never analyzed, or a view.
	RowEstimate int64  `json:"row_estimate"`
	Comment     string `json:"comment"`
}

// QualifiedName is schema.name, each part quoted only where needed, in a
// form DescribeTable accepts back and SQL understands.
func (t Table) QualifiedName() string { return QuoteIdent(t.Schema) + "." + QuoteIdent(t.Name) }

// Column is one column of a table or view.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
	// Default is the default expression, nil when there is none. Identity and
	// generated columns say so here ("generated always as identity").
	Default    *string `json:"default"`
	Comment    string  `json:"comment"`
	PrimaryKey bool    `json:"primary_key"`
}

// ForeignKey is a foreign-key constraint seen from the described table:
// Columns are that table's columns and Ref* the other table's. In
// TableDetail.ForeignKeys the other table is the referenced one; in
// TableDetail.ReferencedBy it is the referencing one, and RefColumns are its
// foreign-key columns.
type ForeignKey struct {
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefSchema  string   `json:"ref_schema"`
	RefTable   string   `json:"ref_table"`
	RefColumns []string `json:"ref_columns"`
}

// Index is an index, including the ones behind primary-key and unique
// constraints.
type Index struct {
	Name string `json:"name"`
	// Columns are key columns by name, or expressions as SQL text.
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
	Primary bool     `json:"primary"`
	// Method is the access method: "btree", "gin", … ("art" in DuckDB).
	Method string `json:"method"`
	// Where is the predicate of a partial index, "" otherwise.
	Where string `json:"where,omitempty"`
}

// TableDetail is everything DescribeTable knows about one table.
type TableDetail struct {
	Table
	Columns     []Column     `json:"columns"`
	PrimaryKey  []string     `json:"primary_key"`
	ForeignKeys []ForeignKey `json:"foreign_keys"`
	// ReferencedBy are the foreign keys of other tables (or this one) that
	// point here, with the referencing table in RefSchema and RefTable.
	ReferencedBy []ForeignKey `json:"referenced_by"`
	Indexes      []Index      `json:"indexes"`
	// SampleRows holds the first rows when asked for and readable; nil otherwise.
	SampleRows *source.Result `json:"sample_rows,omitempty"`
	// SampleError says why SampleRows is nil although rows were asked for
	// (for example a permission error).
	SampleError string `json:"sample_error,omitempty"`
}

// ErrInvalid marks a bad argument: a malformed table name, cursor, kind or
// limit. The error text says which.
var ErrInvalid = errors.New("invalid argument")

// dialect is one engine's catalog SQL. All dialects return the same columns,
// in the same order, for the same query, so one decoder reads them all.
type dialect struct {
	// list: $1 schema ("" = all), $2 schema given quoted (bool), $3 search,
	// $4 kind, $5/$6 cursor schema/name ("" = start), $7 rows to return.
	// Columns: schema, name, kind, row_estimate, comment, total. Always one
	// row at least (total), with NULL names when the page is empty.
	list string
	// relations: $1 schema ("" = any non-system schema), $2 name ("" = all),
	// both matched case-insensitively. Columns: id, schema, name, kind,
	// row_estimate, comment.
	relations string
	// columns: name, type, nullable, default, comment, ordered by position.
	columns string
	// constraints (primary and foreign keys, both directions): type ("p" or
	// "f"), name, outgoing, incoming, schema, table, columns, ref_schema,
	// ref_table, ref_columns.
	constraints string
	// indexes: name, columns, unique, primary, method, where.
	indexes string
	// detailArgs are the parameters of columns, constraints and indexes.
	detailArgs func(r relation) []any
}

// relation is a resolved table with its engine-specific identifier.
type relation struct {
	Table
	id any
}

var dialects = map[source.Engine]*dialect{
	source.Postgres: &postgresDialect,
	source.DuckDB:   &duckdbDialect,
}

func dialectFor(src source.Source) (*dialect, error) {
	d, ok := dialects[src.Engine()]
	if !ok {
		return nil, fmt.Errorf("catalog: engine %q is not supported", src.Engine())
	}
	return d, nil
}

// catalogLimits bound catalog queries. Adapters cap rows at 10,000 by
// default; only the list of all names (for suggestions) may come near it.
var catalogLimits = source.Limits{MaxRows: 10_000, MaxBytes: 64 << 20}

// query runs a catalog query. A truncated answer is an error unless partial
// is true.
func query(ctx context.Context, src source.Source, what string, partial bool, sql string, args ...any) ([][]any, error) {
	res, err := src.Query(ctx, sql, catalogLimits, args...)
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w", what, err)
	}
	if res.Truncated && !partial {
		return nil, fmt.Errorf("catalog: %s: more than %d rows (%s)", what, len(res.Rows), res.TruncatedBy)
	}
	return res.Rows, nil
}

// validKind reports whether k is "" or one of the Kind constants.
func validKind(k string) bool {
	switch k {
	case "", KindTable, KindView, KindMaterializedView, KindForeignTable:
		return true
	}
	return false
}

func kindList() string {
	return strings.Join([]string{KindTable, KindView, KindMaterializedView, KindForeignTable}, ", ")
}
