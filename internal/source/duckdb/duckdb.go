// Package duckdb is the DuckDB adapter behind source.Source: it opens a
// database file read-only inside DuckDB's sandbox and runs one statement per
// call, returning rows in the shared JSON encoding (see source/encoding.go).
// A file opened with Config.ReadWrite also takes confirmed writes (Write).
//
// Layers that each hold alone:
//   - the file is opened with access_mode=READ_ONLY; on a read-write file
//     every query runs in a READ ONLY transaction that is rolled back;
//   - every connection runs with enable_external_access=false,
//     allowed_directories limited to Config.FilesDir, extension
//     auto-install/auto-load off, and lock_configuration=true, set before
//     any user SQL;
//   - Query accepts exactly one statement, counted before anything executes,
//     and only SELECT-like and EXPLAIN statements;
//   - table functions that change server state (enable_logging,
//     enable_profiling, query, ...) are refused before the statement is
//     prepared;
//   - Write (read-write files only) accepts one INSERT, UPDATE, DELETE,
//     MERGE or DDL statement on tables, views, schemas, indexes, sequences
//     and types, judged by its leading words before it is prepared and by
//     DuckDB's statement type after, and commits it only once confirmed.
//
// EnsureDemo writes the sample shop database behind the "demo" connection.
package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Defaults applied by Open when a Config field is zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxRowsCap   = 10000
	DefaultMemoryLimit  = "1GB"
	DefaultThreads      = 2
	DefaultMaxTempSize  = "2GB"
	DefaultMaxBytes     = 16 << 20
	maxOpenConnections  = 16
	maxIdleConnections  = 4
	connMaxIdleDuration = 5 * time.Minute
)

// Config describes one DuckDB database file.
type Config struct {
	Path           string        // database file
	DefaultTimeout time.Duration // 0 → 30s
	MaxRowsCap     int           // 0 → 10000
	MemoryLimit    string        // e.g. "1GB"; "" → "1GB"
	Threads        int           // 0 → 2
	// MaxTempSize bounds what DuckDB may spill to its temp directory
	// (max_temp_directory_size); "" → "2GB".
	MaxTempSize string
	// FilesDir is the only directory SQL may read (managed files); "" → none.
	FilesDir string
	// ReadWrite opens the file for writing (inside the same sandbox), so
	// that Write can run. DuckDB lets one process at a time open a file
	// for writing, and, within a process, refuses to open one file both
	// read-only and read-write.
	ReadWrite bool
	Logger    *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.DefaultTimeout <= 0 {
		c.DefaultTimeout = DefaultTimeout
	}
	if c.MaxRowsCap <= 0 {
		c.MaxRowsCap = DefaultMaxRowsCap
	}
	if c.MemoryLimit == "" {
		c.MemoryLimit = DefaultMemoryLimit
	}
	if c.Threads <= 0 {
		c.Threads = DefaultThreads
	}
	if c.MaxTempSize == "" {
		c.MaxTempSize = DefaultMaxTempSize
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Source is one open DuckDB file. It is safe for concurrent use.
type Source struct {
	cfg      Config
	db       *sql.DB
	keywords map[string]bool // DuckDB keywords, for quoting STRUCT field names
	// writeSlots holds one token per Write in progress (ReadWrite only).
	writeSlots chan struct{}
}

var _ source.Source = (*Source)(nil)

// Open opens cfg.Path read-only (read-write with cfg.ReadWrite) and checks
// that the sandbox settings hold. A missing or foreign file is a
// *source.Error of KindNoDatabase; a file another process holds for
// writing, or that this process holds in the other mode, KindUnreachable.
func Open(ctx context.Context, cfg Config) (*Source, error) {
	cfg = cfg.withDefaults()
	if err := checkFile(cfg.Path); err != nil {
		return nil, err
	}
	if strings.ContainsAny(cfg.Path, "?#%") {
		return nil, &source.Error{Kind: source.KindBadDSN,
			Message: fmt.Sprintf("DuckDB file path %q must not contain '?', '#' or '%%'", cfg.Path)}
	}
	mode := "READ_ONLY"
	if cfg.ReadWrite {
		mode = "READ_WRITE"
	}
	dsn := cfg.Path + "?" + url.Values{"access_mode": {mode}}.Encode()
	connector, err := duckdb.NewConnector(dsn, sandbox(cfg).apply)
	if err != nil {
		return nil, openError(cfg, err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(maxOpenConnections)
	db.SetMaxIdleConns(maxIdleConnections)
	db.SetConnMaxIdleTime(connMaxIdleDuration)
	s := &Source{cfg: cfg, db: db}
	if cfg.ReadWrite {
		s.writeSlots = make(chan struct{}, maxPendingWrites)
	}
	if err := s.loadKeywords(ctx); err != nil {
		db.Close()
		return nil, openError(cfg, err)
	}
	cfg.Logger.DebugContext(ctx, "duckdb: opened", "path", cfg.Path, "access_mode", mode, "files_dir", cfg.FilesDir)
	return s, nil
}

// checkFile reports a missing path or a directory before DuckDB sees it.
func checkFile(path string) error {
	if path == "" {
		return &source.Error{Kind: source.KindNoDatabase, Message: "no DuckDB file given"}
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &source.Error{Kind: source.KindNoDatabase, Err: err,
			Message: fmt.Sprintf("DuckDB file %s does not exist", path)}
	case errors.Is(err, fs.ErrPermission):
		return &source.Error{Kind: source.KindPermission, Err: err,
			Message: fmt.Sprintf("DuckDB file %s cannot be read: permission denied", path)}
	case err != nil:
		return &source.Error{Kind: source.KindNoDatabase, Err: err,
			Message: fmt.Sprintf("DuckDB file %s: %v", path, err)}
	case fi.IsDir():
		return &source.Error{Kind: source.KindNoDatabase,
			Message: fmt.Sprintf("DuckDB path %s is a directory, not a database file", path)}
	}
	return nil
}

// openError turns a failure to open the file into a *source.Error.
func openError(cfg Config, err error) error {
	var se *source.Error
	if errors.As(err, &se) {
		return err
	}
	path, msg := cfg.Path, err.Error()
	switch {
	case strings.Contains(msg, "not a valid DuckDB database file"):
		return &source.Error{Kind: source.KindNoDatabase, Err: err,
			Message: fmt.Sprintf("%s is not a DuckDB database file", path)}
	case strings.Contains(msg, "Conflicting lock") && cfg.ReadWrite:
		// DuckDB names the holder's executable and PID; keep that out.
		return &source.Error{Kind: source.KindUnreachable, Err: err,
			Message: fmt.Sprintf("DuckDB file %s is open in another process; "+
				"opening it for writing needs it to be open nowhere else", path),
			Hint: "close the other program and retry, or open this connection read-only"}
	case strings.Contains(msg, "Conflicting lock"):
		return &source.Error{Kind: source.KindUnreachable, Err: err,
			Message: fmt.Sprintf("DuckDB file %s is open for writing in another process", path),
			Hint:    "close the other program (or open the file read-only there) and retry"}
	case strings.Contains(msg, "different configuration than existing connections"):
		return &source.Error{Kind: source.KindUnreachable, Err: err,
			Message: fmt.Sprintf("DuckDB file %s is already open in this server in the other access mode "+
				"(read-only and read-write cannot share a file)", path),
			Hint: "close the other connection to this file, or give both the same read-only setting"}
	}
	e := classify(err)
	e.Message = fmt.Sprintf("open DuckDB file %s: %s", path, e.Message)
	return e
}

func (s *Source) loadKeywords(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "SELECT keyword_name FROM duckdb_keywords()")
	if err != nil {
		return err
	}
	defer rows.Close()
	s.keywords = make(map[string]bool, 512)
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		s.keywords[strings.ToLower(k)] = true
	}
	return rows.Err()
}

// Engine reports source.DuckDB.
func (s *Source) Engine() source.Engine { return source.DuckDB }

// Ping checks that a connection works and reports DuckDB's version ("v1.5.6").
func (s *Source) Ping(ctx context.Context) (source.Info, error) {
	var info source.Info
	row := s.db.QueryRowContext(ctx, "SELECT version(), current_database()")
	if err := row.Scan(&info.ServerVersion, &info.Database); err != nil {
		return source.Info{}, queryError(ctx, err)
	}
	return info, nil
}

// Close releases the database handle.
func (s *Source) Close() error { return s.db.Close() }
