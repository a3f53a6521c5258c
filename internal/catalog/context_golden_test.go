package catalog

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
)

var update = flag.Bool("update", false, "rewrite testdata/context/*/want.txt")

var demoOnce struct {
	sync.Once
	dir string
	err error
}

// openDemo opens the demo DuckDB database, generated once per test binary.
func openDemo(t *testing.T) source.Source {
	t.Helper()
	demoOnce.Do(func() {
		demoOnce.dir, demoOnce.err = os.MkdirTemp("", "iopsdata-catalog-demo-")
		if demoOnce.err == nil {
			demoOnce.err = duckdb.EnsureDemo(t.Context(), filepath.Join(demoOnce.dir, "demo.duckdb"))
		}
	})
	if demoOnce.err != nil {
		t.Fatalf("demo database: %v", demoOnce.err)
	}
	return openDuckPath(t, filepath.Join(demoOnce.dir, "demo.duckdb"))
}

// demoSnapshot is the demo database's snapshot with sample values for
// every table.
func demoSnapshot(t *testing.T) *Snapshot {
	t.Helper()
	src := openDemo(t)
	s, err := LoadSnapshot(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	s, err = AddSamples(t.Context(), src, s, seq(len(s.Tables)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestContextGolden runs each testdata/context/<case>: question.txt (may
// be empty: an overview) and budget (max_tokens) against the demo
// database through a fresh cache with sample values on (read for the
// tables a first pass chose), and compares the result
// with want.txt.
func TestContextGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "context", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	src := openDemo(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			q, err := os.ReadFile(filepath.Join(dir, "question.txt"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "budget"))
			if err != nil {
				t.Fatal(err)
			}
			budget, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewCache(0).Context(t.Context(), "demo", src, Options{Samples: true}, strings.TrimSpace(string(q)), budget)
			if err != nil {
				t.Fatal(err)
			}
			if res.Tokens > budget || res.Tokens != Tokens(res.Context) {
				t.Errorf("tokens %d (text %d), budget %d", res.Tokens, Tokens(res.Context), budget)
			}
			got := formatResult(res)
			path := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// formatResult is a Result as a golden file: the context, then the
// structured fields.
func formatResult(r Result) string {
	var b strings.Builder
	b.WriteString(r.Context)
	b.WriteString("==== tables\n")
	for _, t := range r.Tables {
		fmt.Fprintf(&b, "%s %.3f: %s\n", t.Name, t.Score, strings.Join(t.Columns, ", "))
	}
	fmt.Fprintf(&b, "==== tokens %d, truncated %v, omitted_tables %d\n", r.Tokens, r.Truncated, r.OmittedTables)
	if r.Message != "" {
		fmt.Fprintf(&b, "==== message %s\n", r.Message)
	}
	return b.String()
}
