package files

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
)

// Column is a column of a file as DuckDB reads it.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // DuckDB type: BIGINT, VARCHAR, DATE, STRUCT(...), ...
}

// Inspection is what Inspect found: everything a view over the file needs.
type Inspection struct {
	Format   Format
	Options  ReadOptions // JSON-encodable; Options.Expr(path) rebuilds ReadExpr
	ReadExpr string      // e.g. read_csv('/home/.../files/<sha>.csv', auto_detect=false, ...)
	Columns  []Column
	Rows     int64 // exact
}

// Inspect sniffs and validates a file in the managed directory with the
// sandboxed DuckDB: CSV and TSV through sniff_csv, JSON and NDJSON through
// read_json, Parquet through read_parquet. The whole file is read once to
// count rows and check every value against the sniffed types; a file that
// does not read is a *BadFileError with the line when DuckDB names one.
func (e *Engine) Inspect(ctx context.Context, path string, format Format) (Inspection, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Inspection{}, fmt.Errorf("inspect: %w", err)
	}
	if !underAny(abs, []string{e.dir}) {
		return Inspection{}, fmt.Errorf("%w: inspect reads only managed files under %s", ErrNotAllowed, e.dir)
	}
	if !format.valid() {
		return Inspection{}, fmt.Errorf("unsupported format %q", format)
	}
	var opts ReadOptions
	switch format.Base() {
	case CSV, TSV:
		opts, err = e.sniffCSV(ctx, abs, format)
	default:
		opts, err = e.describe(ctx, abs, format, 0)
	}
	if err != nil {
		return Inspection{}, err
	}
	rows, err := e.count(ctx, opts.Expr(abs))
	if err != nil && isConversion(err) && format.Base() != Parquet {
		// The sniffer looked at a sample; look at the whole file once.
		if format.Base() == CSV || format.Base() == TSV {
			opts, err = e.sniffCSVWith(ctx, abs, format, "sample_size=-1")
		} else {
			opts, err = e.describe(ctx, abs, format, -1)
		}
		if err == nil {
			rows, err = e.count(ctx, opts.Expr(abs))
		}
	}
	if err != nil {
		return Inspection{}, e.ndjsonLine(abs, format, e.badFile(format, err))
	}
	return Inspection{Format: format, Options: opts, ReadExpr: opts.Expr(abs), Columns: opts.Columns, Rows: rows}, nil
}

// count reads every row and every column (hashing the row keeps DuckDB
// from skipping columns), so type errors anywhere in the file surface here.
func (e *Engine) count(ctx context.Context, expr string) (int64, error) {
	var n int64
	err := e.db.QueryRowContext(ctx, "SELECT count(hash(t)) FROM "+expr+" AS t").Scan(&n)
	return n, err
}

// describe reads the columns of a JSON, NDJSON or Parquet file with
// DuckDB's own detection (sampleSize 0: DuckDB's default; -1: all).
func (e *Engine) describe(ctx context.Context, path string, format Format, sampleSize int) (ReadOptions, error) {
	opts := ReadOptions{Format: format}
	probe := opts.Expr(path)
	if sampleSize != 0 && format.Base() != Parquet {
		probe = strings.TrimSuffix(probe, ")") + fmt.Sprintf(", sample_size=%d)", sampleSize)
	}
	rows, err := e.db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+probe)
	if err != nil {
		return ReadOptions{}, e.ndjsonLine(path, format, e.badFile(format, err))
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return ReadOptions{}, fmt.Errorf("inspect: %w", err)
		}
		opts.Columns = append(opts.Columns, Column{Name: name, Type: typ})
	}
	if err := rows.Err(); err != nil {
		return ReadOptions{}, e.badFile(format, err)
	}
	if format.Base() != Parquet && len(opts.Columns) == 1 && opts.Columns[0].Name == "json" {
		return ReadOptions{}, &BadFileError{Format: format, Reason: "no JSON objects at the top level"}
	}
	return opts, nil
}

// isConversion reports a value that does not fit the sniffed type.
func isConversion(err error) bool {
	m := err.Error()
	return strings.Contains(m, "Conversion Error") || strings.Contains(m, "Could not convert")
}

// ndjsonLine replaces the line of an NDJSON *BadFileError with the first
// line that is not valid JSON, when one is found.
func (e *Engine) ndjsonLine(path string, format Format, err error) error {
	bf, ok := err.(*BadFileError)
	if !ok || format.Base() != NDJSON {
		return err
	}
	if line := firstBadLine(path, format.Gzip()); line > 0 {
		bf.Line = line
		bf.Reason = duckLocRe.ReplaceAllString(bf.Reason, "")
	}
	return err
}
