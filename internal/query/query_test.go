package query

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlguard"
	"github.com/iopsdata/iopsdata/store"
)

func TestResolveLimits(t *testing.T) {
	r := New(nil, nil, Limits{DefaultRows: 200, MaxRows: 1000, DefaultBytes: 1000, MaxBytes: 5000, DefaultTimeout: 30 * time.Second, MaxTimeout: time.Minute}, nil)
	cases := []struct {
		name             string
		conn             store.ConnOptions
		rows, bytes, tmo int
		want             source.Limits
	}{
		{"server defaults", store.ConnOptions{}, 0, 0, 0, source.Limits{MaxRows: 200, MaxBytes: 1000, Timeout: 30 * time.Second}},
		{"connection defaults", store.ConnOptions{MaxRows: 50, MaxBytes: 300, TimeoutMS: 500}, 0, 0, 0, source.Limits{MaxRows: 50, MaxBytes: 300, Timeout: 500 * time.Millisecond}},
		{"call wins", store.ConnOptions{MaxRows: 50}, 70, 400, 2000, source.Limits{MaxRows: 70, MaxBytes: 400, Timeout: 2 * time.Second}},
		{"capped by server", store.ConnOptions{MaxRows: 5000}, 1e9, 1e9, 1e9, source.Limits{MaxRows: 1000, MaxBytes: 5000, Timeout: time.Minute}},
	}
	for _, c := range cases {
		if got := r.resolve(c.conn, c.rows, c.bytes, c.tmo); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// fakeSource answers the runner's catalog lookups from vol (function or
// operator name → [volatile, volatile outside pg_catalog]) and records
// every statement it is sent.
type fakeSource struct {
	engine source.Engine
	mu     sync.Mutex
	vol    map[string][2]bool
	sent   []string
}

func (f *fakeSource) Engine() source.Engine { return f.engine }
func (f *fakeSource) Ping(context.Context) (source.Info, error) {
	return source.Info{}, nil
}
func (f *fakeSource) Close() error { return nil }

func (f *fakeSource) Query(_ context.Context, sql string, _ source.Limits, args ...any) (*source.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, sql)
	res := &source.Result{}
	if sql != volatilitySQL {
		return res, nil
	}
	for i, kind := range []string{"f", "o", "a"} {
		for _, n := range args[i].([]string) {
			if v, ok := f.vol[n]; ok {
				res.Rows = append(res.Rows, []any{kind, n, v[0], v[1]})
			}
		}
	}
	return res, nil
}

func (f *fakeSource) lookups() (n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sent {
		if s == volatilitySQL {
			n++
		}
	}
	return n
}

func handle(engine source.Engine, src source.Source) conns.Handle {
	return conns.Handle{Conn: store.Connection{Name: "c", Engine: string(engine)}, Source: src}
}

func TestCheckRefusesBeforeTheDatabase(t *testing.T) {
	r := New(nil, nil, Limits{MaxSQLBytes: 100}, nil)
	src := &fakeSource{engine: source.Postgres}
	h := handle(source.Postgres, src)
	ctx := t.Context()
	for _, sql := range []string{"", "  \n", "-- only\n/* comments */", "SELECT 1; SELECT 2", "SELECT '" + string([]byte{0xff}) + "'",
		"SELECT " + string(make([]byte, 200)), "COMMIT; DROP TABLE t", "DROP TABLE t", "SELECT * FROM pg_read_file('/etc/passwd')",
		"SELECT * FROM t FOR UPDATE", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "SET search_path = evil", "SELECT 1\x00; DROP TABLE t"} {
		var e store.QueryLogEntry
		_, err := r.check(ctx, h, sql, 0, &e)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%q: %v, want refused", sql, err)
		}
		if v := verdict(ctx, err); v != VerdictRefused {
			t.Errorf("%q: verdict %s", sql, v)
		}
	}
	if len(src.sent) != 0 {
		t.Fatalf("refused SQL reached the source: %q", src.sent)
	}
	var e store.QueryLogEntry
	if _, err := r.check(ctx, h, "SELECT * FROM t WHERE id = 7", 0, &e); err != nil || e.Fingerprint == "" {
		t.Fatalf("valid SQL: %v, fingerprint %q", err, e.Fingerprint)
	}
	_, err := r.check(ctx, h, "SELEC 1", 0, &e)
	if source.KindOf(err) != source.KindSyntax {
		t.Fatalf("syntax error kind: %v", err)
	}
	if v := verdict(ctx, err); v != VerdictError {
		t.Fatalf("verdict of a syntax error: %s", v)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if v := verdict(cctx, errors.New("x")); v != VerdictCanceled {
		t.Fatalf("verdict after cancel: %s", v)
	}
}

func TestGuardErrorsSayWhatToDo(t *testing.T) {
	r := New(nil, nil, Limits{}, nil)
	h := handle(source.Postgres, &fakeSource{engine: source.Postgres})
	cases := []struct {
		sql      string
		sentinel error
		text     string
	}{
		{"DROP TABLE t", sqlguard.ErrNotReadOnly, "refused: DROP TABLE changes the schema"},
		{"SELECT * FROM t FOR UPDATE", sqlguard.ErrNotReadOnly, "remove FOR UPDATE"},
		{"SELECT pg_read_file('/etc/passwd')", sqlguard.ErrFunction, "function pg_read_file reads"},
		{"SELECT 1; SELECT 2", sqlguard.ErrRefused, "send exactly one statement"},
	}
	for _, c := range cases {
		var e store.QueryLogEntry
		_, err := r.check(t.Context(), h, c.sql, 0, &e)
		if !errors.Is(err, c.sentinel) || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%q: %v; want %v and %q", c.sql, err, c.sentinel, c.text)
		}
	}
}

func TestDuckDBSQLIsLeftToItsAdapter(t *testing.T) {
	r := New(nil, nil, Limits{}, nil)
	src := &fakeSource{engine: source.DuckDB}
	var e store.QueryLogEntry
	if _, err := r.check(t.Context(), handle(source.DuckDB, src), "DROP TABLE t", 0, &e); err != nil || e.Fingerprint == "" {
		t.Fatalf("duckdb: %v, fingerprint %q", err, e.Fingerprint)
	}
	if len(src.sent) != 0 {
		t.Fatalf("duckdb check queried the source: %q", src.sent)
	}
}

func TestVolatileFunctionsAndTheirOverride(t *testing.T) {
	r := New(nil, nil, Limits{}, nil)
	src := &fakeSource{engine: source.Postgres, vol: map[string][2]bool{
		"audit": {true, true}, "score": {false, false}, "initcap": {true, true}, "###": {true, true}, "random": {true, false},
	}}
	h := handle(source.Postgres, src)
	for sql, want := range map[string]error{
		"SELECT audit(id) FROM t":           sqlguard.ErrFunction,
		"SELECT score(id), random() FROM t": nil,
		"SELECT initcap(name) FROM t":       sqlguard.ErrFunction, // shadowed built-in
		"SELECT pg_catalog.initcap(name)":   nil,
		"SELECT 1 ### 2":                    sqlguard.ErrFunction,
		"SELECT missing_fn(1)":              nil,                  // the database reports it
		"SELECT t.audit FROM t":             sqlguard.ErrFunction, // attribute notation: audit(t)
		"SELECT t.score FROM t":             nil,
	} {
		var e store.QueryLogEntry
		_, err := r.check(t.Context(), h, sql, 0, &e)
		if (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%q: %v, want %v", sql, err, want)
		}
	}
	h.Conn.Options.AllowFunctions = []string{"audit"}
	var e store.QueryLogEntry
	if _, err := r.check(t.Context(), h, "SELECT audit(id) FROM t", 0, &e); err != nil {
		t.Fatalf("allow-listed function: %v", err)
	}
}

func TestCatalogCacheTTL(t *testing.T) {
	c := newCatalogCache(time.Minute)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	src := &fakeSource{engine: source.Postgres, vol: map[string][2]bool{"f": {false, false}}}
	h := handle(source.Postgres, src)
	refs := []sqlguard.Ref{{Name: "f"}, {Name: "g"}, {Name: "=", Operator: true}, {Name: "f"}}
	resolve := func() func(sqlguard.Ref) sqlguard.Volatility {
		t.Helper()
		vol, err := c.resolve(t.Context(), h, refs, 0)
		if err != nil {
			t.Fatal(err)
		}
		return vol
	}
	resolve()
	resolve()
	if n := src.lookups(); n != 1 {
		t.Fatalf("%d lookups within the TTL, want 1 (one query for all names)", n)
	}
	src.vol["f"] = [2]bool{true, true} // dropped and recreated VOLATILE
	if resolve()(sqlguard.Ref{Name: "f"}).Volatile {
		t.Fatal("answer changed before the TTL")
	}
	now = now.Add(time.Minute + time.Millisecond)
	if !resolve()(sqlguard.Ref{Name: "f"}).Volatile {
		t.Fatal("stale answer after the TTL")
	}
	delete(src.vol, "f") // dropped
	now = now.Add(time.Minute + time.Millisecond)
	if resolve()(sqlguard.Ref{Name: "f"}).Volatile {
		t.Fatal("a dropped function is still volatile after the TTL")
	}
	other := &fakeSource{engine: source.Postgres}
	h = handle(source.Postgres, other)
	resolve()
	if other.lookups() != 1 {
		t.Fatal("a reopened connection reused the old connection's answers")
	}
}

func TestParseCacheIsBoundedAndKeyedByText(t *testing.T) {
	c := newParseCache(2)
	a, b := &parsed{fingerprint: "a"}, &parsed{fingerprint: "b"}
	c.put("SELECT 1", a)
	c.put("SELECT 2", b)
	c.put("SELECT 3", &parsed{})
	c.put("SELECT 4", &parsed{})
	c.put("SELECT 5", &parsed{})
	if _, ok := c.get("SELECT 1"); ok {
		t.Fatal("oldest entry survived two generations")
	}
	if p, ok := c.get("SELECT 3"); !ok || p.fingerprint != "" {
		t.Fatal("recent entry lost")
	}
	c.put(strings.Repeat("x", maxCachedSQL+1), a)
	if _, ok := c.get(strings.Repeat("x", maxCachedSQL+1)); ok {
		t.Fatal("oversized text cached")
	}
	r := New(nil, nil, Limits{}, nil)
	if p1, p2 := r.parse("SELECT 1 WHERE a = 1"), r.parse("SELECT 1 WHERE a = 2"); p1 == p2 || p1.fingerprint != p2.fingerprint {
		t.Fatal("texts with one fingerprint must be cached apart")
	}
}
