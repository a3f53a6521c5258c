package files

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/iopsdata/iopsdata/internal/catalog"
)

// Engine is an in-memory DuckDB that can read only the managed directory.
// It sniffs and validates files; it holds no views.
type Engine struct {
	db  *sql.DB
	dir string // managed directory, absolute with symlinks resolved
}

// Open starts an in-memory DuckDB with allowed_directories = [dir],
// external access otherwise off, extension auto-loading off, and the
// configuration locked before any file is read. dir is created if needed.
func Open(ctx context.Context, dir string) (*Engine, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("managed storage: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("managed storage: %w", err)
	}
	settings := []string{
		"SET allowed_directories = [" + quoteString(abs+string(filepath.Separator)) + "]",
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET memory_limit = '512MB'",
		"SET threads = 2",
		"SET TimeZone = 'UTC'",
		"SET lock_configuration = true",
	}
	connector, err := duckdb.NewConnector("", func(execer driver.ExecerContext) error {
		for _, s := range settings {
			if _, err := execer.ExecContext(context.Background(), s, nil); err != nil {
				if strings.Contains(err.Error(), "configuration has been locked") {
					return nil // a later connection to the same instance
				}
				return fmt.Errorf("sandbox %q: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(2)
	var locked, external bool
	err = db.QueryRowContext(ctx, "SELECT current_setting('lock_configuration'), "+
		"current_setting('enable_external_access')").Scan(&locked, &external)
	if err == nil && (!locked || external) {
		err = fmt.Errorf("sandbox not in force (locked=%v, external access=%v)", locked, external)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	return &Engine{db: db, dir: abs}, nil
}

// Dir is the managed directory, absolute with symlinks resolved.
func (e *Engine) Dir() string { return e.dir }

// Close releases the database.
func (e *Engine) Close() error { return e.db.Close() }

// quoteString renders s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// ReadOptions pin how DuckDB reads a file, so a view reads it the same way
// in every process and after every restart, without sniffing again. It
// encodes to JSON for storage.
type ReadOptions struct {
	Format Format `json:"format"`
	// CSV and TSV only.
	Delim           string `json:"delim,omitempty"`
	Quote           string `json:"quote,omitempty"`
	Escape          string `json:"escape,omitempty"`
	NewLine         string `json:"new_line,omitempty"`
	Comment         string `json:"comment,omitempty"`
	Skip            int    `json:"skip,omitempty"`
	Header          bool   `json:"header,omitempty"`
	DateFormat      string `json:"dateformat,omitempty"`
	TimestampFormat string `json:"timestampformat,omitempty"`
	// Columns pins names and types (CSV, TSV, JSON, NDJSON); informative
	// for Parquet, whose schema is in the file.
	Columns []Column `json:"columns,omitempty"`
}

// Expr renders the DuckDB table function call that reads path with these
// options. Every value is a properly escaped SQL literal.
func (o ReadOptions) Expr(path string) string {
	var args []string
	arg := func(k, v string) { args = append(args, k+"="+v) }
	comp := "'none'"
	if o.Format.Gzip() {
		comp = "'gzip'"
	}
	fn := "read_csv"
	switch o.Format.Base() {
	case Parquet:
		return "read_parquet(" + quoteString(path) + ")"
	case JSON, NDJSON:
		fn = "read_json"
		if o.Format.Base() == JSON {
			arg("format", "'array'")
		} else {
			arg("format", "'newline_delimited'")
		}
		if o.Format.Gzip() {
			arg("compression", comp)
		}
		if len(o.Columns) > 0 {
			arg("columns", columnsLiteral(o.Columns))
		}
	default:
		arg("auto_detect", "false")
		arg("delim", quoteString(o.Delim))
		arg("quote", quoteString(o.Quote))
		arg("escape", quoteString(o.Escape))
		if o.NewLine != "" {
			arg("new_line", quoteString(o.NewLine))
		}
		arg("comment", quoteString(o.Comment))
		arg("skip", strconv.Itoa(o.Skip))
		arg("header", strconv.FormatBool(o.Header))
		arg("compression", comp)
		if o.DateFormat != "" {
			arg("dateformat", quoteString(o.DateFormat))
		}
		if o.TimestampFormat != "" {
			arg("timestampformat", quoteString(o.TimestampFormat))
		}
		arg("columns", columnsLiteral(o.Columns))
	}
	return fn + "(" + quoteString(path) + ", " + strings.Join(args, ", ") + ")"
}

// columnsLiteral renders {'name': 'TYPE', ...}.
func columnsLiteral(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteString(c.Name) + ": " + quoteString(c.Type)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// ViewSQL is the statement that (re)creates the view name over a managed
// file: CREATE OR REPLACE VIEW "name" AS SELECT * FROM <expr>.
func ViewSQL(name, readExpr string) string {
	return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM %s", catalog.QuoteAlways(name), readExpr)
}
