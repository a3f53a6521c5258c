package catalog

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source/duckdb"
)

const duckFixture = fixture + `
CREATE INDEX items_expr ON "Weird Schema"."Order ""Items""" ("Line Nº", ("Ünïcödé" || 'x'));
CREATE TABLE gone (x INTEGER);
CREATE VIEW broken AS SELECT * FROM gone;
DROP TABLE gone;
CREATE TABLE big AS SELECT range AS id FROM range(1234);
`

func TestDuckDBEstimatesAndIndexes(t *testing.T) {
	src := openDuck(t, duckFixture)
	p, err := ListTables(t.Context(), src, ListOptions{Schema: "main"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, tb := range p.Tables {
		got[tb.Name] = tb.RowEstimate
	}
	want := map[string]int64{"MixedCase": 0, "big": 1234, "broken": -1, "customers": 3, "employees": 0,
		"order_lines": 2, "orders": 3, "Ärger": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row estimates (-want +got):\n%s", diff)
	}

	td, err := DescribeTable(t.Context(), src, `"Weird Schema"."Order ""Items"""`, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantIdx := []Index{{Name: "items_expr", Columns: []string{"Line Nº", `("Ünïcödé" || 'x')`}, Method: "art"}}
	if diff := cmp.Diff(wantIdx, td.Indexes); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	td, err = DescribeTable(t.Context(), src, "customers", 0)
	if err == nil {
		t.Fatalf("customers should be ambiguous, got %+v", td)
	}
	td, err = DescribeTable(t.Context(), src, "main.customers", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ix := range td.Indexes {
		if ix.Method != "art" {
			t.Errorf("index %s: method %q", ix.Name, ix.Method)
		}
	}
}

// TestDuckDBBrokenView: a view whose table is gone is listed and described;
// sampling it fails, which is reported, not returned.
func TestDuckDBBrokenView(t *testing.T) {
	src := openDuck(t, duckFixture)
	td, err := DescribeTable(t.Context(), src, "broken", 3)
	if err != nil {
		t.Fatal(err)
	}
	if td.Kind != KindView || td.SampleRows != nil || td.SampleError == "" {
		t.Errorf("broken: %+v", td)
	}
}

// TestDuckDBDemo lists and describes every table of the demo database.
func TestDuckDBDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.duckdb")
	if err := duckdb.EnsureDemo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	src := &counting{Source: openDuckPath(t, path)}
	p, err := ListTables(t.Context(), src, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tables) == 0 || p.Total != len(p.Tables) {
		t.Fatalf("demo tables: %+v", p)
	}
	src.calls()
	fks := 0
	for _, tb := range p.Tables {
		td, err := DescribeTable(t.Context(), src, tb.QualifiedName(), 3)
		if err != nil {
			t.Fatalf("%s: %v", tb.QualifiedName(), err)
		}
		if len(td.Columns) == 0 || td.SampleRows == nil {
			t.Errorf("%s: %d columns, sample %v", tb.QualifiedName(), len(td.Columns), td.SampleError)
		}
		fks += len(td.ForeignKeys)
		if n := src.calls(); n != 5 {
			t.Errorf("%s: %d queries, want 5", tb.QualifiedName(), n)
		}
	}
	t.Logf("demo: %d tables, %d foreign keys", len(p.Tables), fks)
}
