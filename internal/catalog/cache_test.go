package catalog

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

// TestCacheSharesOneLoad: concurrent callers of a cold cache cause one
// load (five queries), then none until the check interval passes.
func TestCacheSharesOneLoad(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := &counting{Source: e.open(t, fixture)}
		c := NewCache(time.Hour)
		var wg sync.WaitGroup
		snaps := make([]*Snapshot, 16)
		for i := range snaps {
			wg.Go(func() {
				s, err := c.Snapshot(t.Context(), "conn", src, Options{})
				if err != nil {
					t.Error(err)
				}
				snaps[i] = s
			})
		}
		wg.Wait()
		if n := src.calls(); n != 5 {
			t.Errorf("16 concurrent callers: %d queries, want 5", n)
		}
		for _, s := range snaps[1:] {
			if s != snaps[0] {
				t.Fatal("callers got different snapshots")
			}
		}
		if _, err := c.Snapshot(t.Context(), "conn", src, Options{}); err != nil || src.calls() != 0 {
			t.Errorf("warm call: %v, %d queries", err, src.calls())
		}
		c.Invalidate("conn")
		s, err := c.Snapshot(t.Context(), "conn", src, Options{})
		if err != nil || s == snaps[0] || src.calls() != 5 {
			t.Errorf("after Invalidate: %v, same snapshot %v, %d queries", err, s == snaps[0], src.calls())
		}
	})
}

// TestCacheSeesDDL: after the check interval a fingerprint query finds the
// catalog unchanged (one query, same snapshot), or changed by DDL (reload).
func TestCacheSeesDDL(t *testing.T) {
	dsn := testutil.PGDatabase(t, fixture)
	src := &counting{Source: openPGDSN(t, dsn)}
	c := NewCache(50 * time.Millisecond)
	s1, err := c.Snapshot(t.Context(), "pg", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src.calls()
	time.Sleep(60 * time.Millisecond)
	s2, err := c.Snapshot(t.Context(), "pg", src, Options{})
	if err != nil || s2 != s1 || src.calls() != 1 {
		t.Fatalf("unchanged catalog: %v, same %v, queries %d (want 1)", err, s2 == s1, src.calls())
	}
	ddl := []string{
		"CREATE TABLE fresh_table (id int PRIMARY KEY)",
		"ALTER TABLE orders ADD COLUMN note text",
		"COMMENT ON COLUMN orders.region IS 'Sales region'",
		"ALTER TABLE order_lines ALTER COLUMN qty SET NOT NULL",
		"DROP TABLE employees",
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for _, stmt := range ddl {
		if _, err := conn.Exec(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
		if s, err := c.Snapshot(t.Context(), "pg", src, Options{}); err != nil || s != s2 {
			t.Fatalf("%s: within the interval the cached snapshot is served: %v", stmt, err)
		}
		time.Sleep(60 * time.Millisecond)
		s, err := c.Snapshot(t.Context(), "pg", src, Options{})
		if err != nil || s == s2 {
			t.Fatalf("%s: not seen after the interval: %v", stmt, err)
		}
		s2 = s
	}
	want := map[string]bool{"fresh_table": true}
	for _, tb := range s2.Tables {
		delete(want, tb.Name)
		if tb.Name == "employees" {
			t.Error("dropped table still there")
		}
	}
	if len(want) > 0 {
		t.Error("created table missing")
	}
}

// TestCacheSamples: with samples off no table data is read; with them on
// the chosen tables are read once and their values appear.
func TestCacheSamples(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := &counting{Source: e.open(t, fixture)}
		c := NewCache(time.Hour)
		res, err := c.Context(t.Context(), "off", src, Options{}, "customer email", 2000)
		if err != nil {
			t.Fatal(err)
		}
		if n := src.calls(); n != 5 || strings.Contains(res.Context, "e.g.") {
			t.Errorf("samples off: %d queries, want 5:\n%s", n, res.Context)
		}
		res, err = c.Context(t.Context(), "on", src, Options{Samples: true}, "customer email", 2000)
		if err != nil {
			t.Fatal(err)
		}
		n := src.calls()
		if n <= 5 || !strings.Contains(res.Context, "'a@example.com'") {
			t.Errorf("samples on: %d queries:\n%s", n, res.Context)
		}
		if _, err := c.Context(t.Context(), "on", src, Options{Samples: true}, "customer email", 2000); err != nil || src.calls() != 0 {
			t.Errorf("samples are cached: %v", err)
		}
	})
}

// TestSamplesBigTable: a big table is read through the engine's sampling
// clause; values are distinct, clipped and at most three per column.
func TestSamplesBigTable(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, `
CREATE TABLE big AS SELECT i AS id, 'v' || (i % 7) AS label, repeat('x', 100) AS long_text
FROM generate_series(1, 150000) t(i);
ANALYZE big;
CREATE TABLE small (id INTEGER, blank VARCHAR);
INSERT INTO small VALUES (1, NULL), (2, ''), (3, NULL);`)
		s, err := LoadSnapshot(t.Context(), src)
		if err != nil {
			t.Fatal(err)
		}
		big := slices.IndexFunc(s.Tables, func(ti TableInfo) bool { return ti.Name == "big" })
		small := slices.IndexFunc(s.Tables, func(ti TableInfo) bool { return ti.Name == "small" })
		if s.Tables[big].RowEstimate <= sampleBigTable {
			t.Fatalf("row estimate %d: the sampling path is not taken", s.Tables[big].RowEstimate)
		}
		if q := sampleSQL(src.Engine(), &s.Tables[big].Table); !strings.Contains(strings.ToUpper(q), "SAMPLE") {
			t.Errorf("big table read without sampling: %s", q)
		}
		s2, err := AddSamples(t.Context(), src, s, []int{big, small})
		if err != nil {
			t.Fatal(err)
		}
		if s.Tables[big].Sampled || s.Tables[big].Columns[1].Samples != nil {
			t.Error("AddSamples changed its input")
		}
		label := s2.Tables[big].Columns[1].Samples
		if len(label) != maxSamples || !strings.HasPrefix(label[0], "v") || len(slices.Compact(slices.Clone(label))) != len(label) {
			t.Errorf("label samples: %q", label)
		}
		if long := s2.Tables[big].Columns[2].Samples; len(long) != 1 || len([]rune(long[0])) != maxSampleCh {
			t.Errorf("long_text samples: %q", long)
		}
		if blank := s2.Tables[small].Columns[1].Samples; len(blank) != 0 || !s2.Tables[small].Sampled {
			t.Errorf("NULL and empty values kept: %q", blank)
		}
	})
}
