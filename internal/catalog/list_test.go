package catalog

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iopsdata/iopsdata/internal/source"
)

// fixture is valid SQL for both engines: it runs in the default schema
// (public or main).
const fixture = `
CREATE SCHEMA sales;
CREATE SCHEMA "Weird Schema";
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  email VARCHAR NOT NULL,
  name VARCHAR DEFAULT 'anon',
  created_at TIMESTAMP
);
COMMENT ON TABLE customers IS 'People who buy things';
COMMENT ON COLUMN customers.email IS 'Login address';
CREATE UNIQUE INDEX customers_email_lower ON customers (lower(email));
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers (id),
  region VARCHAR NOT NULL,
  number INTEGER NOT NULL,
  UNIQUE (region, number)
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE order_lines (
  region VARCHAR NOT NULL,
  number INTEGER NOT NULL,
  line INTEGER NOT NULL,
  qty INTEGER DEFAULT 1,
  PRIMARY KEY (region, number, line),
  FOREIGN KEY (region, number) REFERENCES orders (region, number)
);
CREATE TABLE employees (id INTEGER PRIMARY KEY, manager_id INTEGER REFERENCES employees (id));
CREATE TABLE sales.customers (id INTEGER, note VARCHAR);
CREATE VIEW sales.big_orders AS SELECT * FROM orders WHERE number > 100;
COMMENT ON VIEW sales.big_orders IS 'Orders above one hundred';
CREATE TABLE "Weird Schema"."Order ""Items""" ("Line Nº" INTEGER, "Ünïcödé" VARCHAR);
CREATE TABLE "MixedCase" ("Id" INTEGER);
CREATE TABLE "Ärger" (x INTEGER);
INSERT INTO customers (id, email, name) VALUES (1, 'a@example.com', 'Ann'), (2, 'b@example.com', 'Bob');
INSERT INTO customers (id, email) VALUES (3, 'c@example.com');
INSERT INTO orders VALUES (10, 1, 'eu', 1), (11, 2, 'eu', 2), (12, 2, 'us', 1);
INSERT INTO order_lines VALUES ('eu', 1, 1, 2), ('eu', 1, 2, 1);
INSERT INTO "Weird Schema"."Order ""Items""" VALUES (1, 'ß');
`

// names returns "schema.name" for each table.
func names(ts []Table) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Schema+"."+t.Name)
	}
	return out
}

func TestListTables(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, fixture)
		d := e.def
		// Byte order: "Weird Schema" < "main"/"public" < "sales"; upper case first.
		all := []string{"Weird Schema.Order \"Items\"", d + ".MixedCase", d + ".customers", d + ".employees",
			d + ".order_lines", d + ".orders", d + ".Ärger", "sales.big_orders", "sales.customers"}
		cases := []struct {
			name string
			o    ListOptions
			want []string
		}{
			{"all", ListOptions{}, all},
			{"search name", ListOptions{Search: "CUSTOM"}, []string{d + ".customers", "sales.customers"}},
			{"search comment", ListOptions{Search: "buy THINGS"}, []string{d + ".customers"}},
			{"search schema", ListOptions{Search: "weird"}, []string{"Weird Schema.Order \"Items\""}},
			{"search unicode", ListOptions{Search: "ärg"}, []string{d + ".Ärger"}},
			{"schema", ListOptions{Schema: "sales"}, []string{"sales.big_orders", "sales.customers"}},
			{"schema folded", ListOptions{Schema: "SALES"}, []string{"sales.big_orders", "sales.customers"}},
			{"schema quoted", ListOptions{Schema: `"Weird Schema"`}, []string{"Weird Schema.Order \"Items\""}},
			{"schema quoted wrong case", ListOptions{Schema: `"SALES"`}, []string{}},
			{"kind", ListOptions{Kind: KindView}, []string{"sales.big_orders"}},
			{"schema and search", ListOptions{Schema: "sales", Search: "cust"}, []string{"sales.customers"}},
			{"nothing", ListOptions{Search: "zzz"}, []string{}},
		}
		for _, c := range cases {
			p, err := ListTables(t.Context(), src, c.o)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if diff := cmp.Diff(c.want, names(p.Tables)); diff != "" {
				t.Errorf("%s: tables (-want +got):\n%s", c.name, diff)
			}
			if p.Total != len(c.want) || p.NextCursor != "" {
				t.Errorf("%s: total %d cursor %q, want %d and none", c.name, p.Total, p.NextCursor, len(c.want))
			}
		}

		p, err := ListTables(t.Context(), src, ListOptions{Search: "customers"})
		if err != nil {
			t.Fatal(err)
		}
		want := []Table{
			{Schema: d, Name: "customers", Kind: KindTable, RowEstimate: p.Tables[0].RowEstimate, Comment: "People who buy things"},
			{Schema: "sales", Name: "customers", Kind: KindTable, RowEstimate: p.Tables[1].RowEstimate},
		}
		if diff := cmp.Diff(want, p.Tables); diff != "" {
			t.Errorf("customers (-want +got):\n%s", diff)
		}
		v, err := ListTables(t.Context(), src, ListOptions{Kind: KindView})
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Tables[0]; got.Comment != "Orders above one hundred" || got.RowEstimate != -1 {
			t.Errorf("view: %+v", got)
		}
	})
}

// TestListTablesPaging pages through everything two at a time.
func TestListTablesPaging(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, fixture)
		full, err := ListTables(t.Context(), src, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []ListOptions{{Limit: 2}, {Limit: 1}, {Limit: 2, Search: "o"}, {Limit: 2, Schema: "sales"}} {
			want, err := ListTables(t.Context(), src, ListOptions{Search: o.Search, Schema: o.Schema})
			if err != nil {
				t.Fatal(err)
			}
			var got []Table
			pages := 0
			for {
				p, err := ListTables(t.Context(), src, o)
				if err != nil {
					t.Fatalf("%+v: %v", o, err)
				}
				pages++
				if len(p.Tables) > o.Limit || p.Total != want.Total {
					t.Fatalf("%+v: page of %d, total %d, want ≤%d and %d", o, len(p.Tables), p.Total, o.Limit, want.Total)
				}
				got = append(got, p.Tables...)
				if p.NextCursor == "" {
					break
				}
				o.Cursor = p.NextCursor
			}
			if diff := cmp.Diff(names(want.Tables), names(got)); diff != "" {
				t.Errorf("%+v: paged tables (-want +got):\n%s", o, diff)
			}
			if wantPages := (want.Total + o.Limit - 1) / o.Limit; pages != max(wantPages, 1) {
				t.Errorf("%+v: %d pages, want %d", o, pages, wantPages)
			}
		}
		if full.Total != len(full.Tables) {
			t.Errorf("total %d, tables %d", full.Total, len(full.Tables))
		}
	})
}

func TestListTablesInvalid(t *testing.T) {
	src := openDuck(t, "")
	for _, o := range []ListOptions{
		{Limit: -1}, {Kind: "index"}, {Cursor: "not a cursor!"}, {Cursor: encodeCursor("x", "")},
		{Schema: `"unterminated`}, {Schema: "a.b"},
	} {
		if _, err := ListTables(t.Context(), src, o); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err %v, want ErrInvalid", o, err)
		}
	}
	if n, _ := pageSize(5000); n != MaxListLimit {
		t.Errorf("pageSize(5000) = %d", n)
	}
}

// TestQueryCount checks that the number of queries does not grow with the
// number of tables.
func TestQueryCount(t *testing.T) {
	var extra strings.Builder
	for i := range 40 {
		fmt.Fprintf(&extra, "CREATE TABLE sales.t%02d (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES customers (id));\n", i)
	}
	forEachEngine(t, func(t *testing.T, e engineCase) {
		if e.name == "duckdb" { // DuckDB keeps foreign keys within a schema
			extra.Reset()
			for i := range 40 {
				fmt.Fprintf(&extra, "CREATE TABLE t%02d (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES customers (id));\n", i)
			}
		}
		var got [][5]int
		for _, setup := range []string{fixture, fixture + extra.String()} {
			src := &counting{Source: e.open(t, setup)}
			var n [5]int
			if _, err := ListTables(t.Context(), src, ListOptions{Limit: 1000}); err != nil {
				t.Fatal(err)
			}
			n[0] = src.calls()
			if _, err := ListTables(t.Context(), src, ListOptions{Limit: 2, Search: "t"}); err != nil {
				t.Fatal(err)
			}
			n[1] = src.calls()
			if _, err := DescribeTable(t.Context(), src, e.def+".customers", 3); err != nil {
				t.Fatal(err)
			}
			n[2] = src.calls()
			if _, err := DescribeTable(t.Context(), src, "Ärger", 0); err != nil {
				t.Fatal(err)
			}
			n[3] = src.calls()
			var nf *NotFoundError
			if _, err := DescribeTable(t.Context(), src, "custmers", 3); !errors.As(err, &nf) {
				t.Fatalf("custmers: %v", err)
			}
			n[4] = src.calls()
			got = append(got, n)
		}
		// list: 1; describe: resolve, columns, constraints, indexes, sample;
		// describe without sample: 4 (or 5 when the database does not fold
		// the name); not found: resolve and all names.
		if got[0] != got[1] || got[0][0] != 1 || got[0][1] != 1 || got[0][2] != 5 || got[0][3] > 5 || got[0][4] != 2 {
			t.Errorf("queries per call, small and large database: %v", got)
		}
	})
}

func TestEmptyDatabase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engineCase) {
		src := e.open(t, "")
		p, err := ListTables(t.Context(), src, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Tables) != 0 || p.Total != 0 || p.NextCursor != "" || p.Tables == nil {
			t.Errorf("page %+v", p)
		}
		_, err = DescribeTable(t.Context(), src, "orders", 3)
		var nf *NotFoundError
		if !errors.As(err, &nf) || len(nf.Suggestions) != 0 {
			t.Fatalf("err %v", err)
		}
		if want := `table "orders" not found. Call list_tables to search.`; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	})
}

func TestUnsupportedEngine(t *testing.T) {
	src := fakeEngine{}
	if _, err := ListTables(t.Context(), src, ListOptions{}); err == nil {
		t.Error("ListTables: no error")
	}
	if _, err := DescribeTable(t.Context(), src, "x", 0); err == nil {
		t.Error("DescribeTable: no error")
	}
}

type fakeEngine struct{ source.Source }

func (fakeEngine) Engine() source.Engine { return "oracle" }
