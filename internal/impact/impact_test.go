package impact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/internal/source/postgres"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/iopsdata/iopsdata/store"
)

// fake is a hand-written analyzer: SQL text → lineage, as the real engine
// would give it. Unknown SQL is an error; "PANIC" panics.
type fake struct {
	m     map[string]*lineage.Result
	calls atomic.Int64
}

func (f *fake) analyze(_ context.Context, _, sql string) (*lineage.Result, error) {
	f.calls.Add(1)
	if sql == "PANIC" {
		panic("boom")
	}
	r, ok := f.m[sql]
	if !ok {
		return nil, fmt.Errorf("cannot parse %q", sql)
	}
	return r, nil
}

// st builds one statement: edges "target.col<-source.col", uses
// "t.c" (a filter) or "t.c=" (a use feeding an output).
func st(read, write []string, edges, uses []string) lineage.Statement {
	s := lineage.Statement{Read: read, Write: write, Columns: map[string][]string{}}
	for _, e := range edges {
		t, src, _ := strings.Cut(e, "<-")
		s.Edges = append(s.Edges, lineage.Edge{Target: col(t), Source: col(src)})
		s.Columns[t] = append(s.Columns[t], src)
	}
	for _, u := range uses {
		role := relq.Filter
		if strings.HasSuffix(u, "=") {
			u, role = strings.TrimSuffix(u, "="), relq.Identity
		}
		s.Uses = append(s.Uses, lineage.Use{Column: col(u), Role: role})
	}
	return s
}

func res(sts ...lineage.Statement) *lineage.Result {
	r := &lineage.Result{Statements: sts}
	for _, s := range sts {
		r.Read = append(r.Read, s.Read...)
		r.Write = append(r.Write, s.Write...)
	}
	return r
}

// withCols adds written columns no edge feeds (INSERT ... VALUES).
func withCols(s lineage.Statement, cols ...string) lineage.Statement {
	for _, c := range cols {
		s.Columns[c] = nil
	}
	return s
}

func list(s ...string) []string { return s }

var t0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func group(conn, fp, sql string, n int) store.QueryGroup {
	return store.QueryGroup{Connection: conn, Fingerprint: fp, SQL: sql, Count: n, FirstSeen: t0, LastSeen: t0.Add(time.Duration(n) * time.Hour)}
}

func view(schema, name, sql string) catalog.ViewDef {
	return catalog.ViewDef{Schema: schema, Name: name, Kind: catalog.ViewKindView, SQL: sql}
}

func public(string, string) string { return "public" }

// brief is a Dependent reduced to what most tests check.
type brief struct {
	Kind, Name, Fingerprint string
	Depth                   int
	Via, Role               string
}

func briefs(ds []Dependent) []brief {
	var out []brief
	for _, d := range ds {
		out = append(out, brief{d.Kind, d.Name, d.Fingerprint, d.Depth, d.Via, d.Role})
	}
	return out
}

func run(t *testing.T, e *Engine, req Request, d Data) *Result {
	t.Helper()
	r, err := e.Run(t.Context(), req, d)
	if err != nil {
		t.Fatalf("Run(%+v): %v", req, err)
	}
	return r
}

// shop is a small world on connection "c": orders → v_orders (view) →
// v_big (view on a view); an INSERT ... SELECT writes daily from orders;
// queries read each.
func shop() (*fake, Data) {
	f := &fake{m: map[string]*lineage.Result{
		"CREATE VIEW public.v_orders AS SELECT id, amount AS amt, status FROM orders": res(
			st(list("orders"), list("public.v_orders"),
				list("public.v_orders.id<-orders.id", "public.v_orders.amt<-orders.amount", "public.v_orders.status<-orders.status"),
				list("orders.id=", "orders.amount=", "orders.status="))),
		"CREATE VIEW public.v_big AS SELECT id FROM v_orders WHERE amt > 100": res(
			st(list("v_orders"), list("public.v_big"), list("public.v_big.id<-v_orders.id"), list("v_orders.id=", "v_orders.amt"))),
		"CREATE VIEW public.v_cust AS SELECT name FROM customers": res(
			st(list("customers"), list("public.v_cust"), list("public.v_cust.name<-customers.name"), nil)),
		"SELECT sum(amount) FROM orders WHERE status = 'paid'": res(
			st(list("orders"), nil, list("output.sum<-orders.amount"), list("orders.amount=", "orders.status"))),
		"SELECT id FROM public.orders WHERE status = 'new'": res(
			st(list("public.orders"), nil, list("output.id<-public.orders.id"), list("public.orders.id=", "public.orders.status"))),
		"SELECT name FROM customers": res(
			st(list("customers"), nil, list("output.name<-customers.name"), nil)),
		"INSERT INTO daily (total) SELECT sum(amount) FROM orders": res(
			st(list("orders"), list("daily"), list("daily.total<-orders.amount"), list("orders.amount="))),
		"SELECT total FROM daily": res(
			st(list("daily"), nil, list("output.total<-daily.total"), list("daily.total="))),
		"SELECT id FROM v_big": res(
			st(list("v_big"), nil, list("output.id<-v_big.id"), list("v_big.id="))),
		"SELECT status FROM v_orders": res(
			st(list("v_orders"), nil, list("output.status<-v_orders.status"), list("v_orders.status="))),
		"SELECT amt FROM v_orders": res(
			st(list("v_orders"), nil, list("output.amt<-v_orders.amt"), list("v_orders.amt="))),
	}}
	d := Data{
		Groups: []store.QueryGroup{
			group("c", "q_sum", "SELECT sum(amount) FROM orders WHERE status = 'paid'", 50),
			group("c", "q_new", "SELECT id FROM public.orders WHERE status = 'new'", 7),
			group("c", "q_cust", "SELECT name FROM customers", 90),
			group("c", "q_ins", "INSERT INTO daily (total) SELECT sum(amount) FROM orders", 3),
			group("c", "q_daily", "SELECT total FROM daily", 20),
			group("c", "q_big", "SELECT id FROM v_big", 5),
			group("c", "q_vstatus", "SELECT status FROM v_orders", 4),
			group("c", "q_vamt", "SELECT amt FROM v_orders", 6),
		},
		Views: map[string][]catalog.ViewDef{"c": {
			view("public", "v_orders", "CREATE VIEW public.v_orders AS SELECT id, amount AS amt, status FROM orders"),
			view("public", "v_big", "CREATE VIEW public.v_big AS SELECT id FROM v_orders WHERE amt > 100"),
			view("public", "v_cust", "CREATE VIEW public.v_cust AS SELECT name FROM customers"),
		}},
	}
	return f, d
}

// TestTableLevel: direct dependents, transitive ones through a view and a
// view on a view, and through a table an INSERT ... SELECT writes; sorted
// by depth, views before tables before queries, count descending.
func TestTableLevel(t *testing.T) {
	f, d := shop()
	e := &Engine{Analyze: f.analyze, DefaultSchema: public}
	r := run(t, e, Request{Table: "orders"}, d)
	want := []brief{
		{KindView, "public.v_orders", "", 1, "public.orders", "feeds"},
		{KindTable, "public.daily", "q_ins", 1, "public.orders", "feeds"},
		{KindQuery, "", "q_sum", 1, "public.orders", "feeds, filters"},
		{KindQuery, "", "q_new", 1, "public.orders", "feeds, filters"},
		{KindQuery, "", "q_ins", 1, "public.orders", "feeds"},
		{KindView, "public.v_big", "", 2, "public.v_orders", "feeds, filters"},
		{KindQuery, "", "q_daily", 2, "public.daily", "feeds"},
		{KindQuery, "", "q_vamt", 2, "public.v_orders", "feeds"},
		{KindQuery, "", "q_vstatus", 2, "public.v_orders", "feeds"},
		{KindQuery, "", "q_big", 3, "public.v_big", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("dependents (-want +got):\n%s", diff)
	}
	if r.Scanned != 8 {
		t.Errorf("Scanned = %d, want 8", r.Scanned)
	}
	// q_cust never names a relation of the walk: not analyzed.
	if r.Analyzed != 7 {
		t.Errorf("Analyzed = %d, want 7", r.Analyzed)
	}
	q := r.Dependents[2]
	if q.SQL != "SELECT sum(amount) FROM orders WHERE status = 'paid'" || q.Count != 50 ||
		!q.LastSeen.Equal(t0.Add(50*time.Hour)) || q.Connection != "c" {
		t.Errorf("q_sum = %+v", q)
	}
	if diff := cmp.Diff(list("public.orders.amount", "public.orders.status"), q.Reads); diff != "" {
		t.Errorf("q_sum reads (-want +got):\n%s", diff)
	}
	ins := r.Dependents[4]
	if diff := cmp.Diff(list("public.daily"), ins.Writes); diff != "" {
		t.Errorf("q_ins writes (-want +got):\n%s", diff)
	}
	daily := r.Dependents[1]
	if diff := cmp.Diff(list("public.daily.total ← public.orders.amount"), daily.Columns); diff != "" {
		t.Errorf("daily columns (-want +got):\n%s", diff)
	}
	v := r.Dependents[0]
	wantCols := list("public.v_orders.amt ← public.orders.amount", "public.v_orders.id ← public.orders.id",
		"public.v_orders.status ← public.orders.status")
	if diff := cmp.Diff(wantCols, v.Columns); diff != "" {
		t.Errorf("v_orders columns (-want +got):\n%s", diff)
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes: %v", r.Notes)
	}
}

// TestColumnLevel: asked about orders.amount, a dependent feeds (an edge
// from it) or filters (a use in WHERE ...); transitively only the columns
// it feeds are followed: v_orders.amt, not v_orders.status.
func TestColumnLevel(t *testing.T) {
	f, d := shop()
	e := &Engine{Analyze: f.analyze, DefaultSchema: public}
	r := run(t, e, Request{Table: "orders", Column: "amount"}, d)
	want := []brief{
		{KindView, "public.v_orders", "", 1, "public.orders.amount", "feeds"},
		{KindTable, "public.daily", "q_ins", 1, "public.orders.amount", "feeds"},
		{KindQuery, "", "q_sum", 1, "public.orders.amount", "feeds"},
		{KindQuery, "", "q_ins", 1, "public.orders.amount", "feeds"},
		{KindView, "public.v_big", "", 2, "public.v_orders.amt", "filters"},
		{KindQuery, "", "q_daily", 2, "public.daily.total", "feeds"},
		{KindQuery, "", "q_vamt", 2, "public.v_orders.amt", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("dependents (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(list("public.v_orders.amt ← public.orders.amount"), r.Dependents[0].Columns); diff != "" {
		t.Errorf("v_orders columns (-want +got):\n%s", diff)
	}
	// v_big only filters on amt: its id is not fed by amount, so q_big is
	// not a dependent.

	// Filters: status is only in WHERE clauses of the queries.
	r = run(t, e, Request{Table: "orders", Column: "status"}, d)
	want = []brief{
		{KindView, "public.v_orders", "", 1, "public.orders.status", "feeds"},
		{KindQuery, "", "q_sum", 1, "public.orders.status", "filters"},
		{KindQuery, "", "q_new", 1, "public.orders.status", "filters"},
		{KindQuery, "", "q_vstatus", 2, "public.v_orders.status", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("status dependents (-want +got):\n%s", diff)
	}
}

// TestNameMatching: bare, qualified, three-part and quoted names; with the
// default schema known and unknown.
func TestNameMatching(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{
		"q bare orders":      res(st(list("orders"), nil, nil, nil)),
		"q public.orders":    res(st(list("public.orders"), nil, nil, nil)),
		"q db.public.orders": res(st(list("db.public.orders"), nil, nil, nil)),
		"q sales.orders":     res(st(list("sales.orders"), nil, nil, nil)),
		"q Sales.Orders":     res(st(list("Sales.Orders"), nil, nil, nil)), // "Sales"."Orders"
		"q Orders":           res(st(list("Orders"), nil, nil, nil)),       // "Orders"
	}}
	var groups []store.QueryGroup
	for _, s := range []string{"q bare orders", "q public.orders", "q db.public.orders", "q sales.orders", "q Sales.Orders", "q Orders"} {
		groups = append(groups, group("c", s, s, 1))
	}
	d := Data{Groups: groups}
	fps := func(r *Result) []string {
		var out []string
		for _, d := range r.Dependents {
			out = append(out, d.Fingerprint)
		}
		return out
	}
	known := &Engine{Analyze: f.analyze, DefaultSchema: public}
	unknown := &Engine{Analyze: f.analyze}
	for _, tc := range []struct {
		e     *Engine
		table string
		want  []string
	}{
		{known, "orders", list("q bare orders", "q db.public.orders", "q public.orders")},
		{known, "public.orders", list("q bare orders", "q db.public.orders", "q public.orders")},
		{known, "mydb.public.orders", list("q bare orders", "q db.public.orders", "q public.orders")},
		{known, "sales.orders", list("q sales.orders")},
		{known, `"Sales"."Orders"`, list("q Sales.Orders")},
		{known, `"Orders"`, list("q Orders")},
		// Unquoted upper case folds, and also matches the spelling as written.
		{known, "Sales.Orders", list("q Sales.Orders", "q sales.orders")},
		// Default schema unknown: a bare name matches any schema.
		{unknown, "orders", list("q bare orders", "q db.public.orders", "q public.orders", "q sales.orders")},
		{unknown, "public.orders", list("q bare orders", "q db.public.orders", "q public.orders")},
		{unknown, "sales.orders", list("q bare orders", "q sales.orders")},
	} {
		r := run(t, tc.e, Request{Table: tc.table}, d)
		if diff := cmp.Diff(tc.want, fps(r)); diff != "" {
			t.Errorf("%q (default schema known: %v) (-want +got):\n%s", tc.table, tc.e == known, diff)
		}
	}
	// A quoted name's display keeps its quotes.
	r := run(t, known, Request{Table: `"Sales"."Orders"`}, d)
	if len(r.Dependents) != 1 || r.Dependents[0].Via != `"Sales"."Orders"` {
		t.Errorf("quoted via: %+v", r.Dependents)
	}
	r = run(t, known, Request{Table: "Sales.Orders"}, d)
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "fold to lower case") {
		t.Errorf("notes = %v, want one on case folding", r.Notes)
	}
}

// TestDedup: a query reading the target and a view on it is listed once,
// at depth 1; groups sharing a fingerprint are analyzed once.
func TestDedup(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{
		"CREATE VIEW public.v AS SELECT a FROM t": res(st(list("t"), list("public.v"), list("public.v.a<-t.a"), nil)),
		"SELECT t.a, v.a FROM t JOIN v USING (a)": res(st(list("t", "v"), nil,
			list("output.a<-t.a", "output.a2<-v.a"), list("t.a", "v.a"))),
		"SELECT a FROM t": res(st(list("t"), nil, list("output.a<-t.a"), nil)),
	}}
	d := Data{
		Groups: []store.QueryGroup{
			group("c", "both", "SELECT t.a, v.a FROM t JOIN v USING (a)", 2),
			group("c", "same", "SELECT a FROM t", 1),
			group("c", "same", "SELECT a FROM t", 1), // a caller passing ungrouped rows
		},
		Views: map[string][]catalog.ViewDef{"c": {view("public", "v", "CREATE VIEW public.v AS SELECT a FROM t")}},
	}
	e := &Engine{Analyze: f.analyze, DefaultSchema: public}
	r := run(t, e, Request{Table: "t"}, d)
	want := []brief{
		{KindView, "public.v", "", 1, "public.t", "feeds"},
		{KindQuery, "", "both", 1, "public.t", "feeds, filters"},
		{KindQuery, "", "same", 1, "public.t", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("dependents (-want +got):\n%s", diff)
	}
	if n := f.calls.Load(); n != 3 { // the view, "both", "same" once
		t.Errorf("analyzer called %d times, want 3", n)
	}
	// Column level: the same query through t.a (depth 1) and v.a (depth 2)
	// stays at depth 1.
	r = run(t, e, Request{Table: "t", Column: "a"}, d)
	if len(r.Dependents) != 3 || r.Dependents[1].Fingerprint != "both" || r.Dependents[1].Depth != 1 {
		t.Errorf("column level: %+v", briefs(r.Dependents))
	}
}

// TestCapAndSort: more dependents than the limit are cut with a note;
// ties sort by count descending, then fingerprint.
func TestCapAndSort(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{}}
	var groups []store.QueryGroup
	for i := range 150 {
		sql := fmt.Sprintf("SELECT %d FROM t", i)
		f.m[sql] = res(st(list("t"), nil, nil, nil))
		groups = append(groups, group("c", fmt.Sprintf("fp%03d", i), sql, i%10))
	}
	e := &Engine{Analyze: f.analyze}
	r := run(t, e, Request{Table: "t"}, Data{Groups: groups})
	if len(r.Dependents) != 100 {
		t.Fatalf("%d dependents, want 100", len(r.Dependents))
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "50 more dependents left out (limit 100)") {
		t.Errorf("notes = %v", r.Notes)
	}
	if d := r.Dependents[0]; d.Count != 9 || d.Fingerprint != "fp009" || d.Role != RoleReads {
		t.Errorf("first = %+v, want fp009 with count 9, role reads", d)
	}
	for i := 1; i < len(r.Dependents); i++ {
		a, b := r.Dependents[i-1], r.Dependents[i]
		if a.Count < b.Count || a.Count == b.Count && a.Fingerprint > b.Fingerprint {
			t.Fatalf("out of order at %d: %s/%d before %s/%d", i, a.Fingerprint, a.Count, b.Fingerprint, b.Count)
		}
	}
	r = run(t, e, Request{Table: "t", Limit: 5}, Data{Groups: groups})
	if len(r.Dependents) != 5 || !strings.Contains(r.Notes[0], "145 more") {
		t.Errorf("limit 5: %d dependents, notes %v", len(r.Dependents), r.Notes)
	}
}

// TestAnalyzeFailures: queries that fail to analyze (or crash the
// analyzer) are skipped and counted; views too, by name.
func TestAnalyzeFailures(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{"SELECT a FROM t": res(st(list("t"), nil, nil, nil))}}
	d := Data{
		Groups: []store.QueryGroup{
			group("c", "ok", "SELECT a FROM t", 1),
			group("c", "", "SELECT a FROM t WHERE (", 1),
			group("c", "", "PANIC", 1), // names no relation of the walk: never analyzed
			group("c", "p", "PANIC t", 1),
		},
		Views: map[string][]catalog.ViewDef{"c": {view("public", "broken", "CREATE VIEW broken AS SELECT FROM t(")}},
	}
	f.m["PANIC t"] = nil // analyzer returns (nil, nil): treated as a failure
	e := &Engine{Analyze: func(ctx context.Context, conn, sql string) (*lineage.Result, error) {
		if sql == "PANIC t" {
			panic("boom")
		}
		return f.analyze(ctx, conn, sql)
	}}
	r, err := e.Run(t.Context(), Request{Table: "t"}, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Dependents) != 1 || r.Dependents[0].Fingerprint != "ok" {
		t.Errorf("dependents = %+v", briefs(r.Dependents))
	}
	if r.Analyzed != 3 {
		t.Errorf("Analyzed = %d, want 3", r.Analyzed)
	}
	notes := strings.Join(r.Notes, "\n")
	if !strings.Contains(notes, "2 logged queries could not be analyzed") || !strings.Contains(notes, "views that could not be analyzed: public.broken: cannot parse") {
		t.Errorf("notes = %v", r.Notes)
	}
}

// TestRequestErrors: an empty table says what to pass.
func TestRequestErrors(t *testing.T) {
	e := &Engine{Analyze: (&fake{}).analyze}
	for _, req := range []Request{{}, {Table: "  "}, {Column: "a"}} {
		_, err := e.Run(t.Context(), req, Data{})
		if err == nil || !strings.Contains(err.Error(), "pass table") {
			t.Errorf("Run(%+v) = %v, want an error saying to pass table", req, err)
		}
	}
	for _, req := range []Request{{Table: `"unterminated`}, {Table: "a.b.c.d"}, {Table: "t", Column: "x.y"}, {Table: "t."}} {
		if _, err := e.Run(t.Context(), req, Data{}); err == nil {
			t.Errorf("Run(%+v): no error", req)
		}
	}
}

// TestConnections: the same table name on two connections are two tables;
// Request.Connection narrows to one; without it both are searched.
func TestConnections(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{
		"SELECT a FROM t":                   res(st(list("t"), nil, nil, nil)),
		"CREATE TABLE u AS SELECT a FROM t": res(st(list("t"), list("u"), list("u.a<-t.a"), nil)),
		"SELECT a FROM u":                   res(st(list("u"), nil, nil, nil)),
	}}
	d := Data{Groups: []store.QueryGroup{
		group("x", "qx", "SELECT a FROM t", 1),
		group("y", "qy", "SELECT a FROM t", 2),
		group("x", "ctas", "CREATE TABLE u AS SELECT a FROM t", 1),
		group("y", "uy", "SELECT a FROM u", 1), // u of y is not the u x wrote
		group("x", "ux", "SELECT a FROM u", 1),
	}}
	e := &Engine{Analyze: f.analyze, DefaultSchema: func(c, _ string) string { return map[string]string{"x": "public", "y": "main"}[c] }}
	got := func(r *Result) []string {
		var out []string
		for _, d := range r.Dependents {
			out = append(out, fmt.Sprintf("%s:%s:%s%s@%d", d.Connection, d.Kind, d.Name, d.Fingerprint, d.Depth))
		}
		return out
	}
	r := run(t, e, Request{Table: "t"}, d)
	want := list("x:table:public.uctas@1", "y:query:qy@1", "x:query:ctas@1", "x:query:qx@1", "x:query:ux@2")
	if diff := cmp.Diff(want, got(r)); diff != "" {
		t.Errorf("all connections (-want +got):\n%s", diff)
	}
	r = run(t, e, Request{Table: "t", Connection: "y"}, d)
	if diff := cmp.Diff(list("y:query:qy@1"), got(r)); diff != "" {
		t.Errorf("connection y (-want +got):\n%s", diff)
	}
	if r.Scanned != 2 {
		t.Errorf("Scanned = %d, want 2", r.Scanned)
	}
	r = run(t, e, Request{Table: "public.t", Connection: "x", MaxDepth: 1}, d)
	if diff := cmp.Diff(list("x:table:public.uctas@1", "x:query:ctas@1", "x:query:qx@1"), got(r)); diff != "" {
		t.Errorf("connection x, depth 1 (-want +got):\n%s", diff)
	}
}

// TestWritersAndUpdates: a query writing the target is a dependent
// ("writes"); UPDATE t SET b = a makes t.b depend on t.a.
func TestWritersAndUpdates(t *testing.T) {
	f := &fake{m: map[string]*lineage.Result{
		"INSERT INTO t (a) VALUES (1)":      res(withCols(st(nil, list("t"), nil, nil), "t.a")),
		"UPDATE t SET b = a * 2":            res(st(nil, list("t"), list("t.b<-t.a"), list("t.a="))),
		"SELECT b FROM t":                   res(st(list("t"), nil, list("output.b<-t.b"), list("t.b="))),
		"DELETE FROM t WHERE a < 0":         res(st(nil, list("t"), nil, list("t.a"))),
		"INSERT INTO t (b) SELECT x FROM s": res(st(list("s"), list("t"), list("t.b<-s.x"), list("s.x="))),
	}}
	var groups []store.QueryGroup
	for sql := range f.m {
		groups = append(groups, group("c", sql, sql, 1))
	}
	e := &Engine{Analyze: f.analyze, DefaultSchema: public}
	r := run(t, e, Request{Table: "t"}, Data{Groups: groups})
	want := []brief{
		{KindQuery, "", "DELETE FROM t WHERE a < 0", 1, "public.t", "filters, writes"},
		{KindQuery, "", "INSERT INTO t (a) VALUES (1)", 1, "public.t", "writes"},
		{KindQuery, "", "INSERT INTO t (b) SELECT x FROM s", 1, "public.t", "writes"},
		{KindQuery, "", "SELECT b FROM t", 1, "public.t", "feeds"},
		{KindQuery, "", "UPDATE t SET b = a * 2", 1, "public.t", "feeds, writes"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("table level (-want +got):\n%s", diff)
	}
	r = run(t, e, Request{Table: "t", Column: "a"}, Data{Groups: groups})
	want = []brief{
		{KindQuery, "", "DELETE FROM t WHERE a < 0", 1, "public.t.a", "filters"},
		{KindQuery, "", "INSERT INTO t (a) VALUES (1)", 1, "public.t", "writes"},
		{KindQuery, "", "UPDATE t SET b = a * 2", 1, "public.t.a", "feeds"},
		{KindQuery, "", "SELECT b FROM t", 2, "public.t.b", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("column a (-want +got):\n%s", diff)
	}
}

// TestUnresolvedColumns: asked about a column, a query reading the table
// whose columns the analyzer could not resolve (SELECT * without a
// catalog) may use it and is kept as "unresolved".
func TestUnresolvedColumns(t *testing.T) {
	star := res(st(list("t"), nil, nil, nil))
	star.Warnings = list("* over t cannot be expanded because its columns are unknown")
	other := res(st(list("t", "u"), nil, nil, list("u.id")))
	other.Warnings = list(`column "zzz" is ambiguous`)
	f := &fake{m: map[string]*lineage.Result{"SELECT * FROM t": star, "SELECT zzz FROM t, u WHERE u.id = 1": other}}
	d := Data{Groups: []store.QueryGroup{group("c", "star", "SELECT * FROM t", 1), group("c", "other", "SELECT zzz FROM t, u WHERE u.id = 1", 1)}}
	r := run(t, &Engine{Analyze: f.analyze}, Request{Table: "t", Column: "a"}, d)
	want := []brief{{KindQuery, "", "star", 1, "t", RoleUnresolved}}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestPrefilter: only texts naming a relation of the walk (any case) are
// analyzed, and each once.
func TestPrefilter(t *testing.T) {
	var analyzed []string
	f := &fake{m: map[string]*lineage.Result{}}
	var groups []store.QueryGroup
	for i, sql := range []string{"select 1 from ORDERS", "select 1 from items", "select 1 from \"Orders\"", "select 2 from lines"} {
		f.m[sql] = res(st(list("items"), nil, nil, nil))
		groups = append(groups, group("c", fmt.Sprint(i), sql, 1))
	}
	e := &Engine{Analyze: func(ctx context.Context, c, sql string) (*lineage.Result, error) {
		analyzed = append(analyzed, sql)
		return f.analyze(ctx, c, sql)
	}, Workers: 1}
	r := run(t, e, Request{Table: "orders"}, Data{Groups: groups})
	if diff := cmp.Diff(list("select 1 from ORDERS", "select 1 from \"Orders\""), analyzed); diff != "" {
		t.Errorf("analyzed (-want +got):\n%s", diff)
	}
	if r.Scanned != 4 || r.Analyzed != 2 || len(r.Dependents) != 0 {
		t.Errorf("scanned %d analyzed %d dependents %d", r.Scanned, r.Analyzed, len(r.Dependents))
	}
}

func TestClipSQL(t *testing.T) {
	long := strings.Repeat("é", 3000) // 2 bytes each
	got := clipSQL(long)
	if !strings.HasSuffix(got, "…") || len(got) > maxSQLShown+len("…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("clipSQL: %d bytes", len(got))
	}
	if clipSQL("select 1") != "select 1" {
		t.Error("short SQL changed")
	}
}

func TestCanceled(t *testing.T) {
	f, d := shop()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := (&Engine{Analyze: f.analyze}).Run(ctx, Request{Table: "orders"}, d)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// ---- end to end: real lineage, real databases, real store ----

// logGroups logs the queries (SQL → fingerprint; repeated as often as
// listed) on conn in a fresh store and returns its QueryGroups.
func logGroups(t *testing.T, conn string, entries [][2]string, failed ...string) []store.QueryGroup {
	t.Helper()
	s, err := store.Open(t.Context(), store.Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for i, e := range entries {
		if err := s.LogQuery(t.Context(), store.QueryLogEntry{At: t0.Add(time.Duration(i) * time.Minute), Connection: conn,
			Tool: "execute_sql", SQL: e[0], Fingerprint: e[1], Verdict: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sql := range failed {
		if err := s.LogQuery(t.Context(), store.QueryLogEntry{Connection: conn, Tool: "execute_sql", SQL: sql,
			Fingerprint: "failed", Verdict: "error", Error: "boom"}); err != nil {
			t.Fatal(err)
		}
	}
	gs, err := s.QueryGroups(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// realAnalyzer is lineage.Analyze in one dialect.
func realAnalyzer(dialect string) Analyzer {
	return func(ctx context.Context, _, sql string) (*lineage.Result, error) {
		return lineage.Analyze(ctx, sql, lineage.Options{Dialect: dialect})
	}
}

const pgShop = `
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id int, customer_id int, amount numeric, status text, created_at timestamptz);
CREATE TABLE customers (id int, name text, region text);
CREATE TABLE daily (day date, total numeric);
CREATE VIEW sales.big_orders AS SELECT id, amount, customer_id FROM sales.orders WHERE amount > 100;
CREATE VIEW customer_big (name, big_total) AS
  SELECT c.name, sum(b.amount) FROM sales.big_orders b JOIN customers c ON c.id = b.customer_id GROUP BY c.name;
CREATE MATERIALIZED VIEW sales.status_counts AS SELECT status, count(*) AS n FROM sales.orders GROUP BY status;
CREATE VIEW "Region Names" AS SELECT region FROM customers;
`

var pgShopLog = [][2]string{
	{"SELECT sum(amount) FROM sales.orders WHERE status = 'paid'", "f_sum"},
	{"select sum(amount) from sales.orders where status = 'open'", "f_sum"},
	{"SELECT sum(amount) FROM sales.orders WHERE status = 'new'", "f_sum"},
	{"SELECT id FROM sales.orders WHERE created_at > now() - interval '1 day'", "f_recent"},
	{"INSERT INTO daily (day, total) SELECT created_at::date, sum(amount) FROM sales.orders GROUP BY 1", "f_daily"},
	{"SELECT day, total FROM daily ORDER BY day", "f_read_daily"},
	{"SELECT name, big_total FROM customer_big", "f_cb"},
	{"SELECT name FROM customers", "f_cust"},
	{"SELECT * FROM sales.orders", "f_star"},
}

// TestEndToEndPostgres: views, a materialized view and a view on a view
// read from a real PostgreSQL database (catalog.Views), logged queries
// grouped by a real store, analyzed by lineage.Analyze.
func TestEndToEndPostgres(t *testing.T) {
	src := openPG(t, pgShop)
	views, err := catalog.Views(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	d := Data{
		Groups: logGroups(t, "pg", pgShopLog, "SELECT nope FROM sales.orders"),
		Views:  map[string][]catalog.ViewDef{"pg": views},
	}
	e := &Engine{Analyze: realAnalyzer("postgres"), DefaultSchema: public}
	r := run(t, e, Request{Table: "sales.orders", Connection: "pg"}, d)
	want := []brief{
		{KindView, "sales.big_orders", "", 1, "sales.orders", "feeds, filters"},
		{KindMaterialized, "sales.status_counts", "", 1, "sales.orders", "feeds, filters"},
		{KindTable, "public.daily", "f_daily", 1, "sales.orders", "feeds, filters"}, // GROUP BY 1 groups on created_at
		{KindQuery, "", "f_sum", 1, "sales.orders", "feeds, filters"},
		{KindQuery, "", "f_daily", 1, "sales.orders", "feeds, filters"},
		{KindQuery, "", "f_recent", 1, "sales.orders", "feeds, filters"},
		{KindQuery, "", "f_star", 1, "sales.orders", "reads"},
		{KindView, "public.customer_big", "", 2, "sales.big_orders", "feeds, filters"},
		{KindQuery, "", "f_read_daily", 2, "public.daily", "feeds, filters"},
		{KindQuery, "", "f_cb", 3, "public.customer_big", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("table level (-want +got):\n%s", diff)
	}
	if r.Scanned != 7 || len(r.Notes) != 0 {
		t.Errorf("scanned %d (want 7), notes %v", r.Scanned, r.Notes)
	}
	if len(r.Dependents) > 3 && r.Dependents[3].Count != 3 {
		t.Errorf("f_sum count = %d, want 3", r.Dependents[3].Count)
	}

	r = run(t, e, Request{Table: "sales.orders", Column: "amount", Connection: "pg"}, d)
	want = []brief{
		{KindView, "sales.big_orders", "", 1, "sales.orders.amount", "feeds, filters"},
		{KindTable, "public.daily", "f_daily", 1, "sales.orders.amount", "feeds"},
		{KindQuery, "", "f_sum", 1, "sales.orders.amount", "feeds"},
		{KindQuery, "", "f_daily", 1, "sales.orders.amount", "feeds"},
		{KindQuery, "", "f_star", 1, "sales.orders", "unresolved"},
		{KindView, "public.customer_big", "", 2, "sales.big_orders.amount", "feeds"},
		{KindQuery, "", "f_read_daily", 2, "public.daily.total", "feeds"},
		{KindQuery, "", "f_cb", 3, "public.customer_big.big_total", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("column amount (-want +got):\n%s", diff)
	}
	for _, dep := range r.Dependents {
		if dep.Name == "public.customer_big" {
			if diff := cmp.Diff(list("public.customer_big.big_total ← sales.big_orders.amount"), dep.Columns); diff != "" {
				t.Errorf("customer_big columns (-want +got):\n%s", diff)
			}
		}
	}

	// A view is a target too; a quoted view name keeps its case.
	r = run(t, e, Request{Table: "customers", Column: "region"}, d)
	want = []brief{{KindView, `public."Region Names"`, "", 1, "public.customers.region", "feeds"}}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("customers.region (-want +got):\n%s", diff)
	}
}

// TestEndToEndDuckDB: the same walk on a DuckDB file with DuckDB-only SQL
// in the log.
func TestEndToEndDuckDB(t *testing.T) {
	src := openDuck(t, `
CREATE TABLE orders (id INTEGER, amount DECIMAL(10,2), status VARCHAR);
CREATE VIEW paid AS SELECT id, amount FROM orders WHERE status = 'paid';
CREATE VIEW paid_total AS SELECT sum(amount) AS total FROM paid;
`)
	views, err := catalog.Views(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	d := Data{
		Groups: logGroups(t, "duck", [][2]string{
			{"FROM orders SELECT amount WHERE amount > 10", "d_from"},
			{"SELECT status, count(*) FROM orders GROUP BY ALL", "d_all"},
			{"CREATE TABLE archive AS SELECT id, amount FROM orders", "d_ctas"},
			// DuckDB DDL around a DuckDB-only query: its * cannot expand without a catalog.
			{"CREATE TABLE archive2 AS SELECT * EXCLUDE (status) FROM orders", "d_exclude"},
			{"CREATE MACRO paid_sum() AS (SELECT sum(amount) FROM orders)", "d_macro"}, // not analyzable
			{"SELECT total FROM paid_total", "d_total"},
		}),
		Views: map[string][]catalog.ViewDef{"duck": views},
	}
	e := &Engine{Analyze: realAnalyzer(""), DefaultSchema: func(string, string) string { return "main" }}
	r := run(t, e, Request{Table: "orders", Column: "amount"}, d)
	want := []brief{
		{KindView, "main.paid", "", 1, "main.orders.amount", "feeds"},
		{KindTable, "main.archive", "d_ctas", 1, "main.orders.amount", "feeds"},
		{KindQuery, "", "d_ctas", 1, "main.orders.amount", "feeds"},
		{KindQuery, "", "d_exclude", 1, "main.orders", "unresolved"},
		{KindQuery, "", "d_from", 1, "main.orders.amount", "feeds, filters"},
		{KindView, "main.paid_total", "", 2, "main.paid.amount", "feeds"},
		{KindQuery, "", "d_total", 3, "main.paid_total.total", "feeds"},
	}
	if diff := cmp.Diff(want, briefs(r.Dependents)); diff != "" {
		t.Errorf("column amount (-want +got):\n%s", diff)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "1 logged queries could not be analyzed") {
		t.Errorf("notes = %q, want one on the query that could not be analyzed", r.Notes)
	}
	r = run(t, e, Request{Table: "orders"}, d)
	var got []string
	for _, dep := range r.Dependents {
		got = append(got, fmt.Sprintf("%s %s%s @%d", dep.Kind, dep.Name, dep.Fingerprint, dep.Depth))
	}
	wantTable := list("view main.paid @1", "table main.archived_ctas @1", "table main.archive2d_exclude @1", "query d_all @1", "query d_ctas @1", "query d_exclude @1", "query d_from @1",
		"view main.paid_total @2", "query d_total @3")
	if diff := cmp.Diff(wantTable, got); diff != "" {
		t.Errorf("table level (-want +got):\n%s", diff)
	}
}

// openPG creates a PostgreSQL database (IOPSDATA_TEST_PG), runs setup in
// it and opens it.
func openPG(t *testing.T, setup string) source.Source {
	t.Helper()
	src, err := postgres.Open(postgres.Config{DSN: testutil.PGDatabase(t, setup)})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// openDuck creates a DuckDB file, runs setup in it and opens it read-only.
func openDuck(t *testing.T, setup string) source.Source {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixture.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(t.Context(), setup); err != nil {
		db.Close()
		t.Fatalf("setup: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := duckdb.Open(t.Context(), duckdb.Config{Path: path})
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestBudget: past the time budget, what is left is not analyzed (the
// least run first), and a note says so; nothing fails.
func TestBudget(t *testing.T) {
	var groups []store.QueryGroup
	for i := range 40 {
		groups = append(groups, group("c", fmt.Sprint(i), fmt.Sprintf("SELECT %d FROM t", i), i))
	}
	e := &Engine{Workers: 1, Budget: 50 * time.Millisecond, Analyze: func(context.Context, string, string) (*lineage.Result, error) {
		time.Sleep(10 * time.Millisecond)
		return res(st(list("t"), nil, nil, nil)), nil
	}}
	r := run(t, e, Request{Table: "t"}, Data{Groups: groups})
	if len(r.Dependents) == 0 || len(r.Dependents) > 10 || r.Analyzed != len(r.Dependents) {
		t.Errorf("%d dependents, %d analyzed; want a few", len(r.Dependents), r.Analyzed)
	}
	if r.Dependents[0].Count != 39 {
		t.Errorf("first analyzed count %d, want the most run (39)", r.Dependents[0].Count)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "time budget") || !strings.Contains(r.Notes[0], fmt.Sprintf("%d queries", 40-r.Analyzed)) {
		t.Errorf("notes = %v", r.Notes)
	}
}

// TestPrefilterMany: with many names the prefilter looks tokens up; it
// keeps exactly what a substring test of whole identifiers keeps.
func TestPrefilterMany(t *testing.T) {
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("agg_%02d", i))
	}
	names = append(names, "order items", "ärger")
	f := newPrefilter(names)
	if f.tokens == nil {
		t.Fatal("token mode expected")
	}
	for sql, want := range map[string]bool{
		`select * from agg_07`:                     true,
		`select * from public.agg_19 x`:            true,
		`select * from "agg_03"`:                   true,
		`select * from agg_077`:                    false, // another table
		`select * from xagg_07`:                    false,
		`select * from "order items"`:              true,
		`select * from ärger`:                      true,
		`select * from ärgern`:                     false,
		`insert into t select a from agg_00,agg_1`: true,
		`select 1`: false,
	} {
		if got := f.match(sql); got != want {
			t.Errorf("match(%q) = %v, want %v", sql, got, want)
		}
	}
}
