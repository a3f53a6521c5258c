package store

import (
	"errors"
	"time"
)

// Sentinel errors. The tool layer turns them into messages that say what to do next.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrKey means stored secrets cannot be decrypted with the configured
	// key(s): FERNET_KEY changed or the key file was replaced. Nothing is
	// deleted; the fix is to restore the old key (or add it after a comma).
	ErrKey = errors.New("cannot decrypt stored secrets with the configured key")
)

// Connection is a stored database connection. DSN is kept encrypted at rest.
type Connection struct {
	Name        string
	Engine      string // "postgres" or "duckdb"
	DSN         string // plaintext only in memory
	ReadOnly    bool
	Description string
	Options     ConnOptions
	CreatedAt   time.Time
}

// ConnOptions are per-connection limits and policy; zero means "server
// default".
type ConnOptions struct {
	MaxRows   int `json:"max_rows,omitempty"`
	MaxBytes  int `json:"max_bytes,omitempty"`
	TimeoutMS int `json:"timeout_ms,omitempty"`
	PoolSize  int `json:"pool_size,omitempty"`
	// Writes lists the statement classes a writable connection (ReadOnly
	// false) may run after confirmation: "dml", "ddl", "admin".
	Writes []string `json:"writes,omitempty"`
	// NoSamples turns sample values off in schema_context (for data too
	// sensitive to show even a few values of).
	NoSamples bool `json:"no_samples,omitempty"`
	// AllowFunctions lists volatile functions (user-defined or from
	// extensions) that queries may call on this connection.
	AllowFunctions []string `json:"allow_functions,omitempty"`
}

// QueryLogEntry is one row of the query log.
type QueryLogEntry struct {
	ID          int64
	At          time.Time
	Connection  string
	Tool        string // "execute_sql", "explain_sql", ...
	SQL         string
	Fingerprint string // pg_query fingerprint (hex), empty when the SQL does not parse
	Verdict     string // "ok", "error", "refused", "canceled", "timeout"
	Rows        int
	ElapsedMS   float64
	Error       string
}

// HistoryFilter selects query log entries, newest first.
type HistoryFilter struct {
	Connection string // empty: all
	Limit      int    // 0: 50
}
