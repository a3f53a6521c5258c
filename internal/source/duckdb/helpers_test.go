package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess())
	}
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// demoFile returns the path of a demo database shared by the tests of this
// package; tests only read it.
func demoFile(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "duckdb-demo-*")
		if demoErr == nil {
			demoErr = EnsureDemo(context.Background(), filepath.Join(demoDir, "demo.duckdb"))
		}
	})
	if demoErr != nil {
		t.Fatalf("demo database: %v", demoErr)
	}
	return filepath.Join(demoDir, "demo.duckdb")
}

// openDemo opens the shared demo database with cfg's other fields.
func openDemo(t testing.TB, cfg Config) *Source {
	t.Helper()
	cfg.Path = demoFile(t)
	return openSource(t, cfg)
}

func openSource(t testing.TB, cfg Config) *Source {
	t.Helper()
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.Path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// makeDB creates a DuckDB file in a fresh directory by running setup with
// full (writable) access, and returns its path.
func makeDB(t testing.TB, setup string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if setup != "" {
		if _, err := db.Exec(setup); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	return path
}

// mustQuery runs sqlText and fails the test on error.
func mustQuery(t testing.TB, s *Source, sqlText string, args ...any) *source.Result {
	t.Helper()
	res, err := s.Query(t.Context(), sqlText, source.Limits{}, args...)
	if err != nil {
		t.Fatalf("Query(%q): %v", sqlText, err)
	}
	return res
}

// wantKind runs sqlText and checks it fails with kind.
func wantKind(t *testing.T, s *Source, sqlText string, kind source.Kind) *source.Error {
	t.Helper()
	_, err := s.Query(t.Context(), sqlText, source.Limits{})
	if got := source.KindOf(err); got != kind {
		t.Fatalf("Query(%q): kind %q, want %q (err: %v)", sqlText, got, kind, err)
	}
	e := err.(*source.Error)
	if e.Message == "" {
		t.Errorf("Query(%q): empty message", sqlText)
	}
	return e
}

// scalar runs sqlText and returns its single value.
func scalar(t testing.TB, s *Source, sqlText string, args ...any) any {
	t.Helper()
	res := mustQuery(t, s, sqlText, args...)
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		t.Fatalf("Query(%q): want one value, got %v", sqlText, res.Rows)
	}
	return res.Rows[0][0]
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

func sprint(v any) string { return fmt.Sprint(v) }
