package duckdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iopsdata/iopsdata/internal/source"
)

// TestOneStatement: nothing of a multi-statement text runs, not even the
// statements before the last (which duckdb-go's PrepareContext would run).
func TestOneStatement(t *testing.T) {
	path := makeDB(t, "CREATE TABLE t AS SELECT 1 AS i")
	before := fileDigest(t, path)
	s := openSource(t, Config{Path: path})
	s.db.SetMaxOpenConns(1) // every query sees the same session state
	for _, q := range []string{
		"SELECT 1; CREATE TABLE x (i INTEGER)",
		"SET VARIABLE v = 42; SELECT 1",
		"CREATE TEMP TABLE tmp AS SELECT 1; SELECT 1",
		"SELECT 1; SELECT 2",
	} {
		e := wantKind(t, s, q, source.KindUnsupported)
		if e.Message != "one statement per call; send them separately" {
			t.Errorf("%q: message %q", q, e.Message)
		}
	}
	if v := scalar(t, s, "SELECT getvariable('v')"); v != nil {
		t.Errorf("variable set by a refused statement: %v", v)
	}
	if n := scalar(t, s, "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('x', 'tmp')"); n != int64(0) {
		t.Errorf("%v tables created by refused statements", n)
	}
	e := wantKind(t, s, "PIVOT t ON i USING count(*)", source.KindUnsupported)
	if !strings.Contains(e.Hint, "IN") {
		t.Errorf("PIVOT hint: %q", e.Hint)
	}
	for _, q := range []string{"", " ; ", "-- nothing"} {
		wantKind(t, s, q, source.KindSyntax)
	}
	if v := scalar(t, s, "SELECT 1; -- trailing"); v != int64(1) {
		t.Errorf("trailing semicolon: %v", v)
	}
	s.Close()
	if fileDigest(t, path) != before {
		t.Errorf("the database file changed")
	}
}

func query(t *testing.T, s *Source, q string, lim source.Limits) *source.Result {
	t.Helper()
	res, err := s.Query(t.Context(), q, lim)
	if err != nil {
		t.Fatalf("Query(%q): %v", q, err)
	}
	if b, _ := json.Marshal(res.Rows); len(b) != res.Bytes {
		t.Errorf("Query(%q): Bytes %d, JSON of rows is %d bytes", q, res.Bytes, len(b))
	}
	if res.Elapsed <= 0 {
		t.Errorf("Query(%q): Elapsed %v", q, res.Elapsed)
	}
	return res
}

func TestRowCap(t *testing.T) {
	s := openDemo(t, Config{MaxRowsCap: 500})
	cases := []struct {
		sql       string
		maxRows   int
		rows      int
		truncated bool
	}{
		{"SELECT * FROM range(100)", 100, 100, false},
		{"SELECT * FROM range(100)", 99, 99, true},
		{"SELECT * FROM range(100)", 101, 100, false},
		{"SELECT * FROM range(100)", 0, 100, false},
		{"SELECT * FROM range(1000)", 0, 500, true},    // default = cap
		{"SELECT * FROM range(1000)", 5000, 500, true}, // clamped to cap
		{"SELECT * FROM range(1000000000000)", 10, 10, true},
		{"SELECT i, i * 2 FROM range(1000000000000) t(i) WHERE i % 7 = 0", 3, 3, true},
		{"SELECT * FROM orders", 0, 500, true},
		{"SELECT * FROM range(0)", 10, 0, false},
	}
	for _, c := range cases {
		res := query(t, s, c.sql, source.Limits{MaxRows: c.maxRows, Timeout: 20 * time.Second})
		if len(res.Rows) != c.rows || res.Truncated != c.truncated {
			t.Errorf("%q max %d: %d rows truncated=%v, want %d rows truncated=%v",
				c.sql, c.maxRows, len(res.Rows), res.Truncated, c.rows, c.truncated)
		}
		if want := map[bool]string{true: source.TruncatedRows}[c.truncated]; res.TruncatedBy != want {
			t.Errorf("%q: TruncatedBy %q, want %q", c.sql, res.TruncatedBy, want)
		}
	}
}

func TestRowCapKeepsOrderAndNames(t *testing.T) {
	s := openDemo(t, Config{})
	res := query(t, s, "SELECT i FROM range(300000) t(i) ORDER BY i DESC", source.Limits{MaxRows: 2000})
	for k, row := range res.Rows {
		if row[0] != int64(299999-k) {
			t.Fatalf("row %d = %v: order lost", k, row[0])
		}
	}
	res = query(t, s, "SELECT 1 AS a, 2 AS a, 3 AS \"A b\"", source.Limits{})
	want := []source.Column{{Name: "a", Type: "INTEGER"}, {Name: "a", Type: "INTEGER"}, {Name: "A b", Type: "INTEGER"}}
	if diff := cmp.Diff(want, res.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestByteCap(t *testing.T) {
	s := openDemo(t, Config{})
	// Each row is ["xxx…"] = 104 bytes; n rows take 1 + 105n bytes.
	res := query(t, s, "SELECT repeat('x', 100) FROM range(100)", source.Limits{MaxBytes: 1000})
	if len(res.Rows) != 9 || !res.Truncated || res.TruncatedBy != source.TruncatedBytes || res.Bytes != 946 {
		t.Errorf("byte cap: %d rows, truncated=%v by %q, %d bytes", len(res.Rows), res.Truncated, res.TruncatedBy, res.Bytes)
	}
	res = query(t, s, "SELECT repeat('x', 100) FROM range(9)", source.Limits{MaxBytes: 946})
	if len(res.Rows) != 9 || res.Truncated {
		t.Errorf("exact fit: %d rows, truncated=%v", len(res.Rows), res.Truncated)
	}
	res = query(t, s, "SELECT repeat('x', 5000)", source.Limits{MaxBytes: 1000})
	if len(res.Rows) != 0 || !res.Truncated || res.TruncatedBy != source.TruncatedBytes {
		t.Errorf("one oversized row: %d rows, truncated=%v", len(res.Rows), res.Truncated)
	}
}

// slowSQL runs for minutes unless interrupted.
const slowSQL = "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b"

func TestTimeoutAndCancel(t *testing.T) {
	s := openDemo(t, Config{})
	start := time.Now()
	_, err := s.Query(t.Context(), slowSQL, source.Limits{Timeout: 200 * time.Millisecond})
	if source.KindOf(err) != source.KindTimeout || !strings.Contains(err.Error(), "200ms") {
		t.Errorf("timeout: %v (kind %s)", err, source.KindOf(err))
	}
	t.Logf("timeout returned after %s", time.Since(start))

	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	_, err = s.Query(ctx, slowSQL, source.Limits{})
	if source.KindOf(err) != source.KindCanceled {
		t.Errorf("cancel: %v (kind %s)", err, source.KindOf(err))
	}
	t.Logf("cancel returned after %s", time.Since(start))

	ctx, cancel = context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if _, err = s.Query(ctx, slowSQL, source.Limits{}); source.KindOf(err) != source.KindTimeout {
		t.Errorf("caller's deadline: %v (kind %s)", err, source.KindOf(err))
	}
	done, cancel2 := context.WithCancel(t.Context())
	cancel2()
	if _, err = s.Query(done, "SELECT 1", source.Limits{}); source.KindOf(err) != source.KindCanceled {
		t.Errorf("canceled before start: %v (kind %s)", err, source.KindOf(err))
	}
	for range 3 { // the pool's connections still work
		if v := scalar(t, s, "SELECT 42"); v != int64(42) {
			t.Errorf("after cancel: %v", v)
		}
	}
}

func TestArgs(t *testing.T) {
	s := openDemo(t, Config{})
	if v := scalar(t, s, "SELECT email FROM customers WHERE customer_id = ?", 7); v == nil {
		t.Errorf("? placeholder: nil")
	}
	if v := scalar(t, s, "SELECT $1::VARCHAR || $2", "a", "b"); v != "ab" {
		t.Errorf("$n placeholders: %v", v)
	}
	res, err := s.Query(t.Context(), "SELECT * FROM range(?)", source.Limits{MaxRows: 10}, 1000)
	if err != nil || len(res.Rows) != 10 || !res.Truncated {
		t.Errorf("row cap with args: %v %v", res, err)
	}
	wantKind(t, s, "SELECT ?", source.KindSyntax)
}

func TestConcurrentQueries(t *testing.T) {
	s := openDemo(t, Config{})
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 10 {
				q := "SELECT count(*) FROM orders WHERE order_id % 8 = " + fmt.Sprint(g)
				if i%3 == 0 {
					q = slowSQL
				}
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				_, err := s.Query(ctx, q, source.Limits{})
				cancel()
				if err != nil && source.KindOf(err) != source.KindTimeout {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	s := openDemo(t, Config{})
	cases := []struct {
		sql     string
		kind    source.Kind
		message string // a part of Message
	}{
		{"SELEC 1", source.KindSyntax, `syntax error at or near "SELEC"`},
		{"SELECT * FROM nope", source.KindUndefined, "nope does not exist"},
		{"SELECT nope FROM orders", source.KindUndefined, `"nope" not found`},
		{"SELECT nope(1)", source.KindUndefined, "nope does not exist"},
		{"SELECT lower(1, 2, 3)", source.KindUndefined, "No function matches"},
		{"SELECT status, count(*) FROM orders", source.KindSyntax, "GROUP BY"},
		{"SELECT 'abc'::INTEGER", source.KindData, "Could not convert"},
		{"SELECT 2147483647::INTEGER + 1", source.KindData, "Overflow"},
		{"SELECT * FROM read_csv('/etc/passwd')", source.KindSandbox, "disabled by configuration"},
		{"CREATE TABLE x (i INTEGER)", source.KindReadOnly, "read-only"},
		{"SET threads = 1", source.KindUnsupported, "SET statements are not allowed"},
	}
	for _, c := range cases {
		t.Run(c.sql, func(t *testing.T) {
			e := wantKind(t, s, c.sql, c.kind)
			if !strings.Contains(e.Message, c.message) {
				t.Errorf("message %q, want it to contain %q", e.Message, c.message)
			}
			if strings.Contains(e.Message, "Error: ") || strings.Contains(e.Message, "\n") {
				t.Errorf("message not cleaned: %q", e.Message)
			}
		})
	}
}

func TestErrorParts(t *testing.T) {
	s := openDemo(t, Config{})
	e := wantKind(t, s, "SELECT * FROM order_itemz", source.KindUndefined)
	want := &source.Error{
		Kind:    source.KindUndefined,
		Message: "Table with name order_itemz does not exist!",
		Hint:    `Did you mean "order_items"?`,
		Detail:  "LINE 1: SELECT * FROM order_itemz\n                      ^",
	}
	if diff := cmp.Diff(want, e, cmpopts.IgnoreFields(source.Error{}, "Err")); diff != "" {
		t.Errorf("error parts (-want +got):\n%s", diff)
	}
	var de *duckdb.Error
	if !errors.As(e, &de) {
		t.Errorf("the DuckDB error is not wrapped: %#v", e.Err)
	}
}

func TestSplitMessage(t *testing.T) {
	got := splitMessage("INTERNAL Error: Attempted to dereference unique_ptr that is NULL!\n\nStack Trace:\n\n/tmp/x(+0x5b) [0x1]\n")
	if got.Message != "Attempted to dereference unique_ptr that is NULL!" || got.Detail != "" {
		t.Errorf("stack trace kept: %#v", got)
	}
	got = splitMessage("Binder Error: Referenced column \"x\" not found in FROM clause!\nCandidate bindings: \"a\"\n\nLINE 1: SELECT x\n               ^")
	if got.Message != `Referenced column "x" not found in FROM clause!` ||
		got.Detail != "Candidate bindings: \"a\"\n\nLINE 1: SELECT x\n               ^" {
		t.Errorf("binder error: %#v", got)
	}
}
