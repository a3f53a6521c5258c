package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

//go:embed demo_schema.sql
var demoSchema string

// EnsureDemo creates the demo database at path unless a file is already
// there. The content is generated from a fixed seed with integer arithmetic
// only, so every run on every platform holds the same data.
//
// The database is written into a private temporary directory next to path
// and then hard-linked into place, which fails if path exists: a crash
// leaves no half-written file at path, and when several processes race, the
// first link wins and the others discard their copy.
func EnsureDemo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("demo database: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	tmpDir, err := os.MkdirTemp(dir, ".demo-*")
	if err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, "demo.duckdb")
	if err := writeDemo(ctx, tmp); err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	return placeFile(tmp, path)
}

// placeFile moves tmp to path unless path already exists. On file systems
// without hard links it falls back to a rename, which may replace a copy
// another process placed a moment earlier; both copies hold the same data.
func placeFile(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case err == nil, errors.Is(err, fs.ErrExist):
		return nil
	}
	if _, statErr := os.Stat(path); statErr == nil {
		return nil
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("demo database: %w", err)
	}
	return nil
}

// writeDemo creates the schema and appends the generated rows.
func writeDemo(ctx context.Context, path string) error {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, demoSchema); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	data := generateDemo()
	err = conn.Raw(func(dc any) error {
		for _, t := range data.tables() {
			if err := appendRows(dc.(driver.Conn), t.name, t.rows); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return err
	}
	if err := conn.Close(); err != nil {
		return err
	}
	return db.Close()
}

func appendRows(conn driver.Conn, table string, rows [][]driver.Value) error {
	a, err := duckdb.NewAppenderFromConn(conn, "main", table)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := a.AppendRow(r...); err != nil {
			a.Close()
			return err
		}
	}
	return a.Close()
}
