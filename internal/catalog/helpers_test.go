package catalog

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/internal/source/postgres"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

// counting wraps a Source and counts Query calls.
type counting struct {
	source.Source
	n atomic.Int64
}

func (c *counting) Query(ctx context.Context, q string, lim source.Limits, args ...any) (*source.Result, error) {
	c.n.Add(1)
	return c.Source.Query(ctx, q, lim, args...)
}

// calls returns the number of queries since the last call.
func (c *counting) calls() int { return int(c.n.Swap(0)) }

// openPG creates a PostgreSQL database, runs setup in it and opens it.
func openPG(t *testing.T, setup string) source.Source {
	t.Helper()
	return openPGDSN(t, testutil.PGDatabase(t, setup))
}

// openPGDSN opens dsn with the PostgreSQL adapter.
func openPGDSN(t testing.TB, dsn string) source.Source {
	t.Helper()
	src, err := postgres.Open(postgres.Config{DSN: dsn})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// openDuck creates a DuckDB file, runs setup in it read-write, closes it and
// opens it read-only.
func openDuck(t *testing.T, setup string) source.Source {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	if setup != "" {
		if _, err := db.ExecContext(t.Context(), setup); err != nil {
			db.Close()
			t.Fatalf("setup fixture: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close fixture: %v", err)
	}
	return openDuckPath(t, path)
}

// openDuckPath opens a DuckDB file with the DuckDB adapter (read-only).
func openDuckPath(t *testing.T, path string) source.Source {
	t.Helper()
	src, err := duckdb.Open(t.Context(), duckdb.Config{Path: path})
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// engineCase is one engine with its fixture's engine-specific spellings.
type engineCase struct {
	name   string
	open   func(t *testing.T, setup string) source.Source
	def    string // default schema
	intT   string // type of an INTEGER column
	textT  string // type of a VARCHAR column
	anon   string // default of customers.name
	fkName func(table, cols, refCols string) string
}

var engines = []engineCase{
	{
		name: "postgres", open: openPG, def: "public",
		intT: "integer", textT: "character varying", anon: "'anon'::character varying",
		fkName: func(table, cols, _ string) string { return table + "_" + cols + "_fkey" },
	},
	{
		name: "duckdb", open: openDuck, def: "main",
		intT: "INTEGER", textT: "VARCHAR", anon: "'anon'",
		fkName: func(table, cols, refCols string) string { return table + "_" + cols + "_" + refCols + "_fkey" },
	},
}

// forEachEngine runs f once per engine, as a subtest.
func forEachEngine(t *testing.T, f func(t *testing.T, e engineCase)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { f(t, e) })
	}
}
