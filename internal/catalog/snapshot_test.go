package catalog

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSnapshotMatchesDescribe: for every table, the snapshot says what
// DescribeTable says (columns, keys, unique keys on plain columns).
func TestSnapshotMatchesDescribe(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		setup := fixture
		if e.name == "postgres" {
			setup += pgFixture
		}
		src := e.open(t, setup)
		snap, err := LoadSnapshot(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		page, err := ListTables(t.Context(), src, ListOptions{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(snap.Tables), len(page.Tables); got != want || want < 8 {
			t.Fatalf("snapshot has %d tables, list_tables %d", got, want)
		}
		for i, lt := range page.Tables {
			st := snap.Tables[i]
			if diff := cmp.Diff(lt, st.Table); diff != "" {
				t.Errorf("table %d (-list +snapshot):\n%s", i, diff)
			}
			d, err := DescribeTable(t.Context(), src, lt.QualifiedName(), 0)
			if err != nil {
				t.Fatalf("describe %s: %v", lt.QualifiedName(), err)
			}
			cols := make([]Column, len(st.Columns))
			for j, c := range st.Columns {
				cols[j] = c.Column
			}
			got := TableDetail{Table: st.Table, Columns: cols, PrimaryKey: st.PrimaryKey, ForeignKeys: st.ForeignKeys}
			want := TableDetail{Table: d.Table, Columns: d.Columns, PrimaryKey: d.PrimaryKey, ForeignKeys: d.ForeignKeys}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-describe +snapshot):\n%s", lt.QualifiedName(), diff)
			}
			if diff := cmp.Diff(uniqueOf(d), keyStrings(st.Unique)); diff != "" {
				t.Errorf("%s unique keys (-describe +snapshot):\n%s", lt.QualifiedName(), diff)
			}
		}
	})
}

// uniqueOf lists the non-primary unique indexes on plain columns.
func uniqueOf(d *TableDetail) []string {
	var keys [][]string
	for _, ix := range d.Indexes {
		plain := !slices.ContainsFunc(ix.Columns, func(c string) bool {
			return !slices.ContainsFunc(d.Columns, func(col Column) bool { return col.Name == c })
		})
		if ix.Unique && !ix.Primary && plain && ix.Where == "" {
			keys = append(keys, ix.Columns)
		}
	}
	return keyStrings(keys)
}

func keyStrings(keys [][]string) []string {
	out := []string{}
	for _, k := range keys {
		out = append(out, strings.Join(k, ","))
	}
	slices.Sort(out)
	return out
}

// TestSnapshotQueryCount: five queries whatever the number of tables.
func TestSnapshotQueryCount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		var extra strings.Builder
		for i := range 60 {
			fmt.Fprintf(&extra, "CREATE TABLE t%02d (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES customers (id), note VARCHAR UNIQUE);\n", i)
		}
		var got []int
		for _, setup := range []string{fixture, fixture + extra.String()} {
			src := &counting{Source: e.open(t, setup)}
			snap, err := LoadSnapshot(t.Context(), src)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, src.calls(), len(snap.Tables))
		}
		if got[0] != 5 || got[2] != 5 || got[3] != got[1]+60 {
			t.Errorf("queries, tables for small and large database: %v", got)
		}
	})
}

func TestSnapshotEmpty(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		snap, err := LoadSnapshot(t.Context(), e.open(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Tables) != 0 {
			t.Errorf("tables: %v", snap.Tables)
		}
		res := Context(snap, "anything", 100)
		if res.Tokens > 100 || !strings.Contains(res.Context, "no tables") {
			t.Errorf("context of an empty database: %+v", res)
		}
	})
}
