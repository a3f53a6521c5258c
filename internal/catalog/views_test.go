package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestViewsPostgres(t *testing.T) {
	src := openPG(t, `
CREATE SCHEMA sales;
CREATE SCHEMA "Finance";
CREATE TABLE sales.orders (id int, customer_id int, amount numeric, status text);
CREATE TABLE customers (id int, name text);
CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE amount > 100;
CREATE VIEW order_names (order_id, customer) AS
  SELECT o.id, c.name FROM sales.orders o JOIN customers c ON c.id = o.customer_id;
CREATE VIEW "Finance"."Big Totals" AS SELECT sum(amount) AS total FROM sales.big_orders;
CREATE MATERIALIZED VIEW sales.mv_status AS SELECT status, count(*) AS n FROM sales.orders GROUP BY status WITH NO DATA;
CREATE VIEW "select" AS SELECT 1 AS one;
CREATE TEMP VIEW tmp_v AS SELECT 1 AS x;
`)
	got, err := Views(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	// pg_get_viewdef's layout changes between versions (15 qualifies
	// columns with the table name, 16 does not): the head of the statement
	// and the relations it names are what matter.
	want := []struct{ schema, name, kind, head, from string }{
		{"Finance", "Big Totals", "view", "CREATE VIEW \"Finance\".\"Big Totals\" AS\nSELECT sum(", "FROM sales.big_orders"},
		{"public", "order_names", "view", "CREATE VIEW public.order_names AS\nSELECT ", "JOIN customers c ON"},
		{"public", "select", "view", "CREATE VIEW public.\"select\" AS\nSELECT 1 AS one", ""},
		{"sales", "big_orders", "view", "CREATE VIEW sales.big_orders AS\nSELECT ", "FROM sales.orders"},
		{"sales", "mv_status", "materialized view", "CREATE MATERIALIZED VIEW sales.mv_status AS\nSELECT ", "FROM sales.orders"},
	}
	if len(got) != len(want) {
		t.Fatalf("Views = %d views, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Schema != w.schema || g.Name != w.name || g.Kind != w.kind ||
			!strings.HasPrefix(g.SQL, w.head) || !strings.Contains(g.SQL, w.from) ||
			strings.HasSuffix(g.SQL, ";") || strings.Contains(g.SQL, "\n\n") {
			t.Errorf("view %d = %#v, want %s.%s (%s) starting %q naming %q", i, g, w.schema, w.name, w.kind, w.head, w.from)
		}
	}
}

func TestViewsPostgresNone(t *testing.T) {
	src := openPG(t, `CREATE TABLE t (x int)`)
	got, err := Views(t.Context(), src)
	if err != nil || len(got) != 0 {
		t.Errorf("Views = %v, %v; want none", got, err)
	}
}

func TestViewsDuckDB(t *testing.T) {
	src := openDuck(t, `
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id INTEGER, amount DECIMAL(10,2));
CREATE TABLE customers (id INTEGER, name VARCHAR);
CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE amount > 100;
CREATE VIEW "Customer Names" (cid, nm) AS SELECT id, name FROM customers;
CREATE VIEW v2 AS SELECT * FROM sales.big_orders;
`)
	got, err := Views(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	want := []ViewDef{
		{Schema: "main", Name: "Customer Names", Kind: "view",
			SQL: `CREATE VIEW "Customer Names" (cid, nm) AS SELECT id, "name" FROM customers`},
		{Schema: "main", Name: "v2", Kind: "view",
			SQL: `CREATE VIEW v2 AS SELECT * FROM sales.big_orders`},
		{Schema: "sales", Name: "big_orders", Kind: "view",
			SQL: `CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE (amount > 100)`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Views (-want +got):\n%s", diff)
	}
}
