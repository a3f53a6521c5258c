// Package source is the driver-neutral handle to a database: one interface,
// one result type and one error type, implemented by the postgres and duckdb
// adapters. Those adapters are the only importers of pgx; duckdb-go is also
// imported by internal/files (its sandboxed ingest engine) and
// internal/lineage (DuckDB's parser, json_serialize_sql, run in a locked
// in-memory database).
//
// Values in Result.Rows are already in their JSON form, encoded the same way
// for both engines (see Encoding in encoding.go).
package source

import (
	"context"
	"time"
)

// Engine names a database engine. The strings are public API.
type Engine string

const (
	Postgres Engine = "postgres"
	DuckDB   Engine = "duckdb"
)

// Column describes one result column: its name and the database's own type
// name (for example "int8", "numeric", "timestamptz", "BIGINT", "DECIMAL(18,3)").
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Limits bound one query. Zero values mean "use the adapter's default".
type Limits struct {
	// MaxRows is the number of rows returned. The adapter fetches one row
	// more to set Truncated exactly, and never more than that from the server.
	MaxRows int
	// MaxBytes caps the JSON size of the returned rows. The row that would
	// cross it is not returned and Truncated is set.
	MaxBytes int
	// Timeout is the statement timeout, enforced in the database.
	Timeout time.Duration
}

// Truncation reasons.
const (
	TruncatedRows  = "max_rows"
	TruncatedBytes = "max_bytes"
)

// Result is the outcome of one statement.
type Result struct {
	Columns []Column
	// Rows holds JSON-ready values: nil, bool, int64, float64, string,
	// json.RawMessage, []any and map[string]any, as Encoding describes.
	Rows [][]any
	// Truncated is true when the statement had more rows than were returned.
	Truncated bool
	// TruncatedBy is TruncatedRows or TruncatedBytes when Truncated.
	TruncatedBy string
	// Bytes is the approximate JSON size of Rows.
	Bytes int
	// Elapsed is the time spent in the database, including fetching.
	Elapsed time.Duration
}

// Info describes a reachable database.
type Info struct {
	ServerVersion string
	// Database and User are what the connection landed on (PostgreSQL).
	Database string
	User     string
	// Superuser and Roles describe dangerous privileges of the role
	// (PostgreSQL); empty for DuckDB.
	Superuser bool
	Roles     []string
}

// Source is one open database. Implementations are safe for concurrent use.
type Source interface {
	Engine() Engine
	// Query runs exactly one read-only statement and returns its rows.
	// args are positional parameters ($1, $2 … for PostgreSQL, ? or $1 for
	// DuckDB) used by the server's own catalog queries; user SQL has none.
	Query(ctx context.Context, sql string, lim Limits, args ...any) (*Result, error)
	// Ping connects (opening the pool if needed) and describes the server.
	Ping(ctx context.Context) (Info, error)
	// Close releases the pool or database handle.
	Close() error
}

// Change is what a write statement did inside its still-open transaction.
type Change struct {
	// Tag is the command tag, e.g. "DELETE 42", "CREATE TABLE".
	Tag string
	// RowsAffected is the number of rows inserted, updated, deleted or
	// merged; -1 when the statement kind has no row count (DDL).
	RowsAffected int64
	// Returning holds the rows of a RETURNING clause (capped like a query),
	// or nil.
	Returning *Result
	// Elapsed is the time the statement took.
	Elapsed time.Duration
}

// Confirm is asked, while the write's transaction is still open, whether to
// commit it. It returns false to roll back. An error rolls back too.
type Confirm func(ctx context.Context, c Change) (bool, error)

// Writer is a Source that can run one write statement (DML or DDL) in a
// transaction, commit it only when confirm agrees, and roll it back
// otherwise. Sources opened read-only do not implement it (or refuse).
type Writer interface {
	Write(ctx context.Context, sql string, lim Limits, confirm Confirm) (c Change, committed bool, err error)
}
