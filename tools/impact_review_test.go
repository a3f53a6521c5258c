package tools

// Review scenarios for the impact tool. The tests named TestImpactReviewBug*
// document problems found in review and fail until they are fixed; the
// TestImpactReviewOK* tests pin behaviours that work and were not covered.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

const reviewPG = `
	CREATE TABLE orders (id int, customer_id int, amount numeric, status text);
	CREATE TABLE customers (id int, name text);
	CREATE VIEW v1 AS SELECT id, amount AS total FROM orders;
	CREATE VIEW v2 AS SELECT id, total FROM v1 WHERE total > 0;
	CREATE VIEW v3 AS SELECT total * 2 AS dbl FROM v2;
	CREATE VIEW v_ids AS SELECT id FROM v1;
	CREATE VIEW v_paid AS SELECT id FROM orders WHERE status = 'paid';
	CREATE VIEW v_paid2 AS SELECT id FROM v_paid;
	CREATE MATERIALIZED VIEW mv AS SELECT customer_id, sum(amount) AS s FROM orders GROUP BY 1;`

// rwEnv starts a server that allows writes, with connection name on dsn
// writable for DML and DDL (committed with confirm: true).
func rwEnv(t *testing.T, dsns map[string]string) *env {
	t.Helper()
	e := newEnvWith(t, envOptions{allowWrites: true})
	for name, dsn := range dsns {
		if msg, isErr := e.call(t, "add_connection", map[string]any{"name": name, "engine": "postgres", "dsn": dsn, "read_only": false, "writes": []string{"dml", "ddl"}}); isErr {
			t.Fatal(msg)
		}
	}
	return e
}

func run(t *testing.T, e *env, conn string, sqls ...string) {
	t.Helper()
	for _, q := range sqls {
		if msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": conn, "sql": q, "confirm": true}); isErr {
			t.Fatalf("%s: %s", q, msg)
		}
	}
}

func reviewText(t *testing.T, e *env, args map[string]any) string {
	t.Helper()
	txt, isErr := e.call(t, "impact", args)
	if isErr {
		t.Fatalf("impact(%v): %s", args, txt)
	}
	return txt
}

// ---- problems ----

// With a non-default search_path (sales, public), a bare name in a view
// definition or a logged query means sales.orders, as the connection's
// search path resolves it (regression: every bare name was public).
func TestImpactReviewSearchPath(t *testing.T) {
	dsn := testutil.PGDatabase(t, `
		CREATE SCHEMA sales;
		CREATE TABLE public.orders (id int, amount numeric);
		CREATE TABLE sales.orders (id int, amount numeric);
		CREATE VIEW sales.big AS SELECT id, amount FROM sales.orders WHERE amount > 100;
		DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = sales, public', current_database()); END $$;`)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	run(t, e, "pg", "SELECT amount FROM orders") // reads sales.orders on this connection
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "sales.orders"})
	if findDep(out.Dependents, "view", "sales.big") == nil || findDep(out.Dependents, "query", "SELECT amount FROM orders") == nil {
		t.Errorf("impact(sales.orders) misses what reads it through search_path: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "public.orders"})
	if findDep(out.Dependents, "view", "sales.big") != nil {
		t.Errorf("impact(public.orders) lists sales.big, which reads sales.orders: %+v", out.Dependents)
	}
}

// A bare name whose only table is outside public is that table
// (regression: the walk looked for public.events and found nothing).
func TestImpactReviewBareNameOutsidePublic(t *testing.T) {
	dsn := testutil.PGDatabase(t, `
		CREATE SCHEMA sales;
		CREATE TABLE sales.events (id int, kind text);
		CREATE VIEW sales.ev AS SELECT id FROM sales.events;`)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	run(t, e, "pg", "SELECT kind FROM sales.events")
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "events"})
	if findDep(out.Dependents, "view", "sales.ev") == nil && !strings.Contains(strings.Join(out.Notes, " "), "sales.events") {
		t.Errorf("impact(events) with only sales.events: no dependents and no note pointing at sales.events: %+v %q", out.Dependents, out.Notes)
	}
}

// Filtering on a column changes the rows of a view, so everything built on
// that view changes too. The walk lists the filtering view and names it in
// a note as the next question, rather than following it.
func TestImpactReviewFilterOnlyViewsAreNamed(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	run(t, e, "pg", "SELECT id FROM v_paid")
	run(t, e, "demo", "SELECT revenue FROM monthly_revenue")
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "status"})
	if findDep(out.Dependents, "view", "public.v_paid") == nil {
		t.Fatalf("v_paid missing: %+v", out.Dependents)
	}
	// Decided: what reads a view that only filters on the column is not
	// followed (its columns do not change, its rows do); a note names the
	// view to ask about next.
	if n := strings.Join(out.Notes, " "); !strings.Contains(n, "public.v_paid only filter") {
		t.Errorf("orders.status: no note on following v_paid: %q", out.Notes)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "v_paid"})
	if findDep(out.Dependents, "view", "public.v_paid2") == nil || findDep(out.Dependents, "query", "FROM v_paid") == nil {
		t.Errorf("impact(v_paid): v_paid2 and the query on v_paid are missing: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "demo", "table": "orders", "column": "status"})
	if n := strings.Join(out.Notes, " "); !strings.Contains(n, "main.monthly_revenue only filter") {
		t.Errorf("demo orders.status: no note on following monthly_revenue: %q", out.Notes)
	}
}

// A table created through execute_sql is known to impact at once: the
// catalog cache is invalidated by the committed write (regression: a false
// "not in the catalog" note and an unexpanded * for up to 5 s).
func TestImpactReviewStaleCatalogAfterDDL(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := rwEnv(t, map[string]string{"pg": dsn})
	callImpact(t, e, map[string]any{"connection": "pg", "table": "orders"}) // caches the catalog
	run(t, e, "pg", "CREATE TABLE snap AS SELECT * FROM orders", "SELECT * FROM snap")
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "snap"})
	if n := strings.Join(out.Notes, " "); strings.Contains(n, "not in the catalog") {
		t.Errorf("impact(snap) right after CREATE TABLE snap says: %s", n)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amount"})
	if d := findDep(out.Dependents, "query", "SELECT * FROM snap"); d == nil || d.Role != "feeds" {
		t.Errorf("SELECT * FROM snap for orders.amount: %+v, want role feeds (snap's columns are in the database)", d)
	}
}

// A column that does not exist gets a note listing the table's columns, so
// a typo does not read as "safe to change".
func TestImpactReviewMisspelledColumn(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amout"})
	if n := strings.Join(out.Notes, " "); !strings.Contains(n, "amout") || !strings.Contains(n, "amount") {
		t.Errorf("impact(orders.amout): notes %q, want one saying amout is not a column of orders (did you mean amount)", out.Notes)
	}
}

// Without connection, a column question: CREATE TABLE AS SELECT * is kept
// as "unresolved" and a note names the table it fills; with the
// connection's catalog the table and what reads it are followed.
func TestImpactReviewUnresolvedWriteIsNamed(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := rwEnv(t, map[string]string{"pg": dsn})
	run(t, e, "pg", "CREATE TABLE snap AS SELECT * FROM orders", "SELECT amount FROM snap")
	out := callImpact(t, e, map[string]any{"table": "orders"})
	if findDep(out.Dependents, "query", "SELECT amount FROM snap") == nil {
		t.Fatalf("table level, no connection: query on snap missing: %+v", out.Dependents)
	}
	// Decided: without a connection there is no catalog to expand *, so
	// the write is "unresolved" and a note names the table to ask about.
	out = callImpact(t, e, map[string]any{"table": "orders", "column": "amount"})
	if n := strings.Join(out.Notes, " "); !strings.Contains(n, "public.snap are filled by queries whose * could not be resolved") {
		t.Errorf("orders.amount, no connection: no note on snap: %+v %q", out.Dependents, out.Notes)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amount"})
	if findDep(out.Dependents, "table", "public.snap") == nil || findDep(out.Dependents, "query", "SELECT amount FROM snap") == nil {
		t.Errorf("orders.amount on pg: snap and the query reading snap.amount are missing: %+v %q", out.Dependents, out.Notes)
	}
}

// Without connection, the text block names each dependent's connection, so
// two identical queries on two databases are told apart.
func TestImpactReviewTextOmitsConnection(t *testing.T) {
	e := rwEnv(t, map[string]string{
		"pg1": testutil.PGDatabase(t, `CREATE TABLE orders (id int, amount numeric);`),
		"pg2": testutil.PGDatabase(t, `CREATE TABLE orders (id int, amount numeric);`),
	})
	run(t, e, "pg1", "SELECT amount FROM orders")
	run(t, e, "pg2", "SELECT amount FROM orders")
	out := callImpact(t, e, map[string]any{"table": "orders"})
	if len(out.Dependents) != 2 {
		t.Fatalf("want the query of each connection: %+v", out.Dependents)
	}
	txt := reviewText(t, e, map[string]any{"table": "orders"})
	if !strings.Contains(txt, "pg1") || !strings.Contains(txt, "pg2") {
		t.Errorf("text does not say which connection each query ran on:\n%s", txt)
	}
}

// A logged query without a fingerprint (DuckDB-only syntax) is named by
// its SQL in the text block, not left blank.
func TestImpactReviewTextEmptyQueryName(t *testing.T) {
	e := newEnv(t)
	run(t, e, "demo", "FROM orders SELECT status, count(*) GROUP BY ALL")
	out := callImpact(t, e, map[string]any{"connection": "demo", "table": "orders"})
	if findDep(out.Dependents, "query", "GROUP BY ALL") == nil {
		t.Fatalf("DuckDB-only query missing: %+v", out.Dependents)
	}
	txt := reviewText(t, e, map[string]any{"connection": "demo", "table": "orders"})
	if strings.Contains(txt, "query  (") {
		t.Errorf("text has a query with an empty name:\n%s", txt)
	}
}

// max_depth says when it cut the walk short, and where to continue.
func TestImpactReviewMaxDepthSilent(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	all := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders"})
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "max_depth": 1})
	if len(all.Dependents) <= len(out.Dependents) {
		t.Fatalf("no deeper dependents to cut: %d vs %d", len(all.Dependents), len(out.Dependents))
	}
	if !strings.Contains(strings.Join(out.Notes, " "), "max_depth") {
		t.Errorf("max_depth 1 dropped %d deeper dependents without a note: %q", len(all.Dependents)-len(out.Dependents), out.Notes)
	}
}

// The text block shows a few column mappings of a view and counts the
// rest, so one SELECT * view over 40 columns is not 41 lines.
func TestImpactReviewTextBloatedByColumns(t *testing.T) {
	var cols []string
	for i := range 40 {
		cols = append(cols, fmt.Sprintf("column_number_%02d int", i))
	}
	dsn := testutil.PGDatabase(t, "CREATE TABLE wide ("+strings.Join(cols, ", ")+"); CREATE VIEW wide_v AS SELECT * FROM wide;")
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	txt := reviewText(t, e, map[string]any{"connection": "pg", "table": "wide"})
	if n := strings.Count(txt, "\n"); n > 10 {
		t.Errorf("text for one view over one table is %d lines (%d bytes); want a summary (e.g. \"40 columns\"):\n%.400s…", n, len(txt), txt)
	}
}

// ---- behaviours verified ----

// Views on views with a renamed column, a materialized view, and the
// column-level walk through them; a view using another column is out.
func TestImpactReviewOKColumnRenameChain(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	run(t, e, "pg", "SELECT * FROM v3", "SELECT s FROM mv")
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amount"})
	for _, w := range []struct {
		kind, name string
		depth      int
		role       string
	}{
		{"view", "public.v1", 1, "feeds"}, {"materialized view", "public.mv", 1, "feeds"},
		{"view", "public.v2", 2, "feeds, filters"}, {"view", "public.v3", 3, "feeds"},
		{"query", "SELECT * FROM v3", 4, "feeds"}, {"query", "SELECT s FROM mv", 2, "feeds"},
	} {
		d := findDep(out.Dependents, w.kind, w.name)
		if d == nil || d.Depth != w.depth || d.Role != w.role {
			t.Errorf("%s %s: %+v, want depth %d role %s", w.kind, w.name, d, w.depth, w.role)
		}
	}
	if d := findDep(out.Dependents, "view", "public.v1"); d != nil && (len(d.Columns) != 1 || d.Columns[0] != "public.v1.total ← public.orders.amount") {
		t.Errorf("v1 columns: %q", d.Columns)
	}
	if findDep(out.Dependents, "view", "public.v_ids") != nil {
		t.Errorf("v_ids uses v1.id only, not amount: %+v", out.Dependents)
	}
}

// A writable connection: INSERT ... SELECT makes its target a dependent and
// queries on it transitive ones; previews, refused and failed statements
// are not dependents; explain_sql calls are; UPDATE of the column is
// "writes"; a JOIN-only column "filters"; a CTE shadowing the name is out.
func TestImpactReviewOKWritesAndLog(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := rwEnv(t, map[string]string{"pg": dsn})
	run(t, e, "pg",
		"CREATE TABLE summary (customer_id int, total numeric)",
		"INSERT INTO summary SELECT customer_id, sum(amount) FROM orders GROUP BY 1",
		"SELECT total FROM summary",
		"UPDATE orders SET amount = 0 WHERE id = 1",
		"SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id",
		"WITH orders AS (SELECT 1 AS id) SELECT id FROM orders")
	if msg, _ := e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": "DELETE FROM orders WHERE status = 'x'"}); !strings.Contains(msg, "NOT committed") {
		t.Fatalf("preview: %s", msg)
	}
	e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT nosuch FROM orders"})
	e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT pg_read_file('x') FROM orders"})
	if msg, isErr := e.call(t, "explain_sql", map[string]any{"connection": "pg", "sql": "SELECT status FROM orders WHERE id = 7"}); isErr {
		t.Fatal(msg)
	}
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders"})
	if d := findDep(out.Dependents, "table", "public.summary"); d == nil || d.Depth != 1 || !strings.Contains(d.SQL, "INSERT INTO summary") {
		t.Errorf("summary: %+v", d)
	}
	if d := findDep(out.Dependents, "query", "SELECT total FROM summary"); d == nil || d.Depth != 2 || d.Via != "public.summary" {
		t.Errorf("query on summary: %+v", d)
	}
	if d := findDep(out.Dependents, "query", "WHERE id = 7"); d == nil || d.Depth != 1 {
		t.Errorf("explain_sql call: %+v", d)
	}
	for _, bad := range []string{"DELETE", "nosuch", "pg_read_file", "WITH orders AS"} {
		if d := findDep(out.Dependents, "query", bad); d != nil {
			t.Errorf("%s is no dependent: %+v", bad, d)
		}
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amount"})
	if d := findDep(out.Dependents, "query", "UPDATE orders SET amount"); d == nil || d.Role != "writes" {
		t.Errorf("UPDATE orders SET amount: %+v", d)
	}
	if d := findDep(out.Dependents, "query", "SELECT total FROM summary"); d == nil || d.Via != "public.summary.total" {
		t.Errorf("query on summary.total: %+v", d)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "customer_id"})
	if d := findDep(out.Dependents, "query", "JOIN orders o"); d == nil || d.Role != "filters" {
		t.Errorf("JOIN on customer_id: %+v", d)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "summary"})
	if d := findDep(out.Dependents, "query", "INSERT INTO summary"); d == nil || d.Role != "writes" {
		t.Errorf("INSERT INTO summary for summary: %+v", d)
	}
}

// Qualified and bare names, other schemas, quoted mixed case, several
// connections with the same table name.
func TestImpactReviewOKNames(t *testing.T) {
	dsn1 := testutil.PGDatabase(t, `
		CREATE SCHEMA sales; CREATE SCHEMA rpt;
		CREATE TABLE orders (id int, amount numeric);
		CREATE TABLE sales.orders (id int, amount numeric);
		CREATE VIEW rpt.pub_v AS SELECT id FROM public.orders;
		CREATE VIEW rpt.sales_v AS SELECT id FROM sales.orders;
		CREATE TABLE "Sales" ("Amount" numeric);
		CREATE VIEW "SalesView" AS SELECT "Amount" FROM "Sales";`)
	dsn2 := testutil.PGDatabase(t, `CREATE TABLE orders (id int, amount numeric);`)
	e := rwEnv(t, map[string]string{"pg1": dsn1, "pg2": dsn2})
	run(t, e, "pg1", "SELECT amount FROM public.orders", "SELECT id FROM sales.orders", `SELECT "Amount" FROM "Sales"`)
	run(t, e, "pg2", "SELECT id, amount FROM orders")
	out := callImpact(t, e, map[string]any{"connection": "pg1", "table": "orders"})
	if findDep(out.Dependents, "view", "rpt.pub_v") == nil || findDep(out.Dependents, "query", "FROM public.orders") == nil {
		t.Errorf("bare orders: %+v", out.Dependents)
	}
	if findDep(out.Dependents, "view", "rpt.sales_v") != nil || findDep(out.Dependents, "query", "sales.orders") != nil || findDep(out.Dependents, "query", "id, amount") != nil {
		t.Errorf("bare orders on pg1 lists sales.orders or pg2 dependents: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg1", "table": "sales.orders"})
	if findDep(out.Dependents, "view", "rpt.sales_v") == nil || findDep(out.Dependents, "view", "rpt.pub_v") != nil {
		t.Errorf("sales.orders: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"table": "orders"})
	if findDep(out.Dependents, "query", "id, amount") == nil || findDep(out.Dependents, "query", "FROM public.orders") == nil || findDep(out.Dependents, "query", "sales.orders") != nil {
		t.Errorf("orders on every connection: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg1", "table": `"Sales"`, "column": `"Amount"`})
	if d := findDep(out.Dependents, "view", `public."SalesView"`); d == nil || d.Role != "feeds" || len(out.Notes) != 0 {
		t.Errorf(`"Sales"."Amount": %+v %q`, out.Dependents, out.Notes)
	}
}

// The demo DuckDB connection: its GROUP BY ALL view and DuckDB-only queries.
func TestImpactReviewOKDuckDBDemo(t *testing.T) {
	e := newEnv(t)
	run(t, e, "demo", "SELECT sum(total_amount) FROM orders", "SELECT * FROM orders LIMIT 1", "FROM orders SELECT status, count(*) GROUP BY ALL")
	out := callImpact(t, e, map[string]any{"connection": "demo", "table": "orders", "column": "total_amount"})
	if d := findDep(out.Dependents, "view", "main.monthly_revenue"); d == nil || d.Role != "feeds" || len(d.Columns) != 1 || d.Columns[0] != "main.monthly_revenue.revenue ← main.orders.total_amount" {
		t.Errorf("monthly_revenue: %+v", d)
	}
	if d := findDep(out.Dependents, "query", "SELECT * FROM orders"); d == nil || d.Role != "feeds" {
		t.Errorf("SELECT * with the catalog: %+v", d)
	}
	if findDep(out.Dependents, "query", "GROUP BY ALL") != nil {
		t.Errorf("status-only query listed for total_amount: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "demo", "table": "orders", "column": "status"})
	if d := findDep(out.Dependents, "view", "main.monthly_revenue"); d == nil || d.Role != "filters" {
		t.Errorf("monthly_revenue for status: %+v", d)
	}
}

// limit, input validation and the empty answer.
func TestImpactReviewOKLimitsAndErrors(t *testing.T) {
	dsn := testutil.PGDatabase(t, reviewPG)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "limit": 2})
	if len(out.Dependents) != 2 || !strings.Contains(strings.Join(out.Notes, " "), "more dependents left out (limit 2)") {
		t.Errorf("limit 2: %d dependents, notes %q", len(out.Dependents), out.Notes)
	}
	txt := reviewText(t, e, map[string]any{"connection": "pg", "table": "customers"})
	if !strings.HasPrefix(txt, "no dependents found (") {
		t.Errorf("empty answer: %q", txt)
	}
	e.mustFail(t, "impact", map[string]any{"table": "orders", "limit": -1}, []string{"limit -1", "1 to 1000"})
	e.mustFail(t, "impact", map[string]any{"table": "orders", "max_depth": -1}, []string{"max_depth", "leave it out"})
	e.mustFail(t, "impact", map[string]any{"table": "orders", "column": "orders.amount"}, []string{"column name alone"})
	e.mustFail(t, "impact", map[string]any{"table": "a.b.c.d"}, []string{"schema.table"})
	e.mustFail(t, "impact", map[string]any{"table": `"orders`}, []string{"double quote"})
	e.mustFail(t, "impact", map[string]any{"table": "   "}, []string{"table is empty"})
	e.mustFail(t, "impact", map[string]any{"table": "orders", "connection": "nope"}, []string{"list_connections"})
}
