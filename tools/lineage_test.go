package tools

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/mcp"
)

func callLineage(t *testing.T, e *env, args map[string]any) LineageOut {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "lineage"
	req.Params.Arguments = args
	res, err := e.c.CallTool(t.Context(), req)
	if err != nil || res.IsError {
		t.Fatalf("lineage(%v): %v %+v", args, err, res.Content)
	}
	var out LineageOut
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLineageTool(t *testing.T) {
	e := newEnv(t)
	// The demo connection's catalog expands * and maps INSERT by position.
	out := callLineage(t, e, map[string]any{
		"connection": "demo",
		"sql": `CREATE TABLE recent AS SELECT * FROM orders WHERE ordered_at > now() - interval '7 days';
INSERT INTO order_archive SELECT o.* FROM recent o JOIN customers c USING (customer_id)`,
		"schema": map[string]any{"order_archive": []string{"id", "customer", "at"}},
	})
	if !slices.Equal(out.Read, []string{"customers", "orders", "recent"}) || !slices.Equal(out.Write, []string{"order_archive", "recent"}) {
		t.Fatalf("read %v write %v", out.Read, out.Write)
	}
	if got := out.Columns["recent.status"]; !slices.Equal(got, []string{"orders.status"}) {
		t.Fatalf("recent.status <- %v (columns %v)", got, out.Columns)
	}
	if got := out.Columns["order_archive.customer"]; !slices.Equal(got, []string{"recent.customer_id"}) {
		t.Fatalf("order_archive.customer <- %v", got)
	}
	if len(out.Statements) != 2 || out.Statements[1].Kind != "insert" || out.Statements[0].SQL == "" || out.Dialect != "postgres" {
		t.Fatalf("statements %+v dialect %q", out.Statements, out.Dialect)
	}

	// Without a catalog, * cannot expand: a warning says what to pass.
	out = callLineage(t, e, map[string]any{"sql": "SELECT * FROM orders"})
	if len(out.Warnings) == 0 || !strings.Contains(out.Warnings[0], "schema") {
		t.Fatalf("warnings %v", out.Warnings)
	}

	// DuckDB-only syntax goes to DuckDB's parser.
	out = callLineage(t, e, map[string]any{"connection": "demo", "sql": "SELECT * EXCLUDE (notes) FROM orders"})
	if out.Dialect != "duckdb" || out.Columns["output.status"] == nil || out.Columns["output.notes"] != nil {
		t.Fatalf("duckdb: %+v", out)
	}

	// DuckDB names are case-insensitive: folded on a DuckDB connection.
	out = callLineage(t, e, map[string]any{"connection": "demo", "sql": `SELECT Status, "ORDER_ID" FROM Orders`})
	if !slices.Equal(out.Read, []string{"orders"}) || !slices.Equal(out.Columns["output.status"], []string{"orders.status"}) ||
		!slices.Equal(out.Columns["output.order_id"], []string{"orders.order_id"}) || len(out.Warnings) != 0 {
		t.Fatalf("case-insensitive DuckDB names: %+v", out)
	}

	// OpenLineage fragment.
	out = callLineage(t, e, map[string]any{"format": "openlineage",
		"sql": "INSERT INTO daily (day, total) SELECT ordered_at::date, sum(subtotal) FROM orders WHERE status = 'paid' GROUP BY 1"})
	var ol *lineage.OLFragment
	if b, err := json.Marshal(out.OpenLineage); err == nil {
		json.Unmarshal(b, &ol)
	}
	if ol == nil || len(ol.Inputs) != 1 || len(ol.Outputs) != 1 || ol.Outputs[0].Facets == nil {
		t.Fatalf("openlineage %+v", ol)
	}
	cl := ol.Outputs[0].Facets.ColumnLineage
	total := cl.Fields["total"].InputFields
	if len(total) != 1 || total[0].Field != "subtotal" || total[0].Transformations[0].Subtype != "AGGREGATION" {
		t.Fatalf("total: %+v", total)
	}
	if day := cl.Fields["day"].InputFields; len(day) != 1 || day[0].Transformations[0].Subtype != "TRANSFORMATION" {
		t.Fatalf("day: %+v", day)
	}
	inDataset := func(cl *lineage.OLColumnLineage, field, subtype string) bool {
		for _, f := range cl.Dataset {
			for _, tr := range f.Transformations {
				if f.Field == field && tr.Subtype == subtype {
					return true
				}
			}
		}
		return false
	}
	if !inDataset(cl, "status", "FILTER") || !inDataset(cl, "ordered_at", "GROUP_BY") {
		t.Fatalf("dataset facet lacks the WHERE column or the GROUP BY 1 column: %+v", cl.Dataset)
	}

	// UPDATE reads its own columns: the target is an input too; USING
	// columns join.
	out = callLineage(t, e, map[string]any{"format": "openlineage",
		"sql": "UPDATE orders o SET subtotal = o.subtotal * 2 FROM customers c JOIN payments p USING (customer_id) WHERE c.customer_id = o.customer_id"})
	ol = nil
	if b, err := json.Marshal(out.OpenLineage); err == nil {
		json.Unmarshal(b, &ol)
	}
	var inputs []string
	for _, in := range ol.Inputs {
		inputs = append(inputs, in.Name)
	}
	if !slices.Equal(inputs, []string{"customers", "payments", "orders"}) {
		t.Fatalf("inputs %v", inputs)
	}
	if cl := ol.Outputs[0].Facets.ColumnLineage; !inDataset(cl, "customer_id", "JOIN") {
		t.Fatalf("USING column not a JOIN input: %+v", cl.Dataset)
	}

	e.mustFail(t, "lineage", map[string]any{"sql": "SELEC x FROM"}, []string{"does not parse"})
	e.mustFail(t, "lineage", map[string]any{"sql": "-- nothing"}, []string{"no statement"})
	e.mustFail(t, "lineage", map[string]any{"sql": "SELECT 1", "format": "dot"}, []string{"openlineage"})
	e.mustFail(t, "lineage", map[string]any{"sql": "SELECT 1", "connection": "nope"}, []string{"nope"})
}

func TestLineageToolPostgresCatalog(t *testing.T) {
	dsn := testutil.PGDatabase(t, `CREATE SCHEMA sales;
		CREATE TABLE sales.orders (id int, amount numeric, placed date);
		CREATE TABLE public.totals (day date, amount numeric);`)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	out := callLineage(t, e, map[string]any{"connection": "pg",
		"sql": "INSERT INTO totals SELECT o.placed, sum(o.amount) FROM sales.orders o GROUP BY 1; SELECT * FROM sales.orders"})
	if got := out.Columns["totals.amount"]; !slices.Equal(got, []string{"sales.orders.amount"}) {
		t.Fatalf("totals.amount <- %v (%v)", got, out.Columns)
	}
	if got := out.Columns["output.placed"]; !slices.Equal(got, []string{"sales.orders.placed"}) {
		t.Fatalf("output.placed <- %v", got)
	}
	if len(out.Warnings) != 0 {
		t.Fatalf("warnings %v", out.Warnings)
	}
}

func TestOLNamespace(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://u:secret@db.example.com:6543/app?sslmode=require": "postgres://db.example.com:6543",
		"postgresql://u@[::1]/app":                                    "postgres://[::1]:5432",
		"host=10.0.0.5 port=5433 user=u password=secret dbname=x":     "postgres://10.0.0.5:5433",
		"host=/var/run/postgresql dbname=x":                           "iopsdata://pg",
		"postgres://h1,h2/app":                                        "iopsdata://pg",
	} {
		got := olNamespace(store.Connection{Name: "pg", Engine: "postgres", DSN: dsn})
		if got != want || strings.Contains(got, "secret") {
			t.Errorf("olNamespace(%q) = %q, want %q", dsn, got, want)
		}
	}
	if got := olNamespace(store.Connection{Name: "demo", Engine: "duckdb", DSN: "/x/demo.duckdb"}); got != "iopsdata://demo" {
		t.Errorf("duckdb: %q", got)
	}
}

// TestLineageUnreachableConnection: lineage runs nothing, so a connection
// whose database is gone only costs its catalog, with a warning.
func TestLineageUnreachableConnection(t *testing.T) {
	dsn := testutil.PGDatabase(t, `CREATE TABLE orders (id int, amount numeric);`)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	testutil.DropDatabase(t, dsn)
	out := callLineage(t, e, map[string]any{"connection": "pg", "sql": "INSERT INTO totals (amount) SELECT amount FROM orders"})
	if got := out.Columns["totals.amount"]; !slices.Equal(got, []string{"orders.amount"}) {
		t.Fatalf("totals.amount <- %v", got)
	}
	if len(out.Warnings) == 0 || !strings.Contains(out.Warnings[0], "could not be read") {
		t.Fatalf("warnings %v", out.Warnings)
	}
}
