package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/impact"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/mark3labs/mcp-go/mcp"
)

func callImpact(t *testing.T, e *env, args map[string]any) ImpactOut {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "impact"
	req.Params.Arguments = args
	res, err := e.c.CallTool(t.Context(), req)
	if err != nil || res.IsError {
		t.Fatalf("impact(%v): %v %+v", args, err, res.Content)
	}
	var out ImpactOut
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func findDep(deps []impact.Dependent, kind, nameOrSQL string) *impact.Dependent {
	for i := range deps {
		d := &deps[i]
		if d.Kind == kind && (d.Name == nameOrSQL || strings.Contains(d.SQL, nameOrSQL)) {
			return d
		}
	}
	return nil
}

// TestImpactTool: views on views and logged queries found through the
// real query log of execute_sql calls, at table and column level.
func TestImpactTool(t *testing.T) {
	dsn := testutil.PGDatabase(t, `
		CREATE TABLE orders (id int, customer_id int, amount numeric, status text);
		CREATE TABLE customers (id int, name text);
		CREATE VIEW paid AS SELECT id, amount AS paid_amount FROM orders WHERE status = 'paid';
		CREATE VIEW big_paid AS SELECT id FROM paid WHERE paid_amount > 100;
		CREATE MATERIALIZED VIEW by_customer AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY 1;
		CREATE VIEW names AS SELECT name FROM customers;`)
	e := newEnv(t)
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	for _, q := range []string{
		"SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY 1",
		"SELECT c.name, sum(o.amount) FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY 1",
		"SELECT count(*) FROM orders WHERE status = 'open'",
		"SELECT * FROM big_paid",
		"SELECT name FROM customers",
	} {
		if msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": q}); isErr {
			t.Fatal(msg)
		}
	}
	// A refused statement is logged but is no dependent.
	e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": "DELETE FROM orders"})

	out := callImpact(t, e, map[string]any{"connection": "pg", "table": "orders"})
	for _, want := range []struct{ kind, name string }{
		{"view", "public.paid"}, {"view", "public.big_paid"}, {"materialized view", "public.by_customer"},
		{"query", "JOIN customers"}, {"query", "status = 'open'"}, {"query", "FROM big_paid"},
	} {
		if findDep(out.Dependents, want.kind, want.name) == nil {
			t.Errorf("impact(orders) lacks %s %s: %+v", want.kind, want.name, out.Dependents)
		}
	}
	if d := findDep(out.Dependents, "query", "JOIN customers"); d != nil && (d.Count != 2 || d.Depth != 1) {
		t.Errorf("join query: count %d depth %d", d.Count, d.Depth)
	}
	if d := findDep(out.Dependents, "view", "public.big_paid"); d != nil && d.Depth != 2 {
		t.Errorf("big_paid depth %d, want 2 (through paid)", d.Depth)
	}
	if findDep(out.Dependents, "view", "public.names") != nil || findDep(out.Dependents, "query", "DELETE") != nil || findDep(out.Dependents, "query", "SELECT name FROM customers") != nil {
		t.Errorf("unrelated dependents: %+v", out.Dependents)
	}

	// Column level: amount feeds paid and by_customer; status only filters.
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "amount"})
	if d := findDep(out.Dependents, "view", "public.paid"); d == nil || !strings.Contains(d.Role, "feeds") {
		t.Errorf("paid for orders.amount: %+v", d)
	}
	if findDep(out.Dependents, "query", "status = 'open'") != nil {
		t.Errorf("count(*) WHERE status is not a dependent of amount: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "column": "status"})
	if d := findDep(out.Dependents, "view", "public.paid"); d == nil || d.Role != "filters" {
		t.Errorf("paid for orders.status: %+v", d)
	}

	// Direct only.
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "orders", "max_depth": 1})
	if findDep(out.Dependents, "view", "public.big_paid") != nil {
		t.Errorf("max_depth 1 returned big_paid")
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "nothing_reads_this"})
	if len(out.Dependents) != 0 {
		t.Errorf("dependents of an unused table: %+v", out.Dependents)
	}
	out = callImpact(t, e, map[string]any{"connection": "pg", "table": "ordrs"})
	if len(out.Notes) == 0 || !strings.Contains(strings.Join(out.Notes, " "), `did you mean "public.orders"`) {
		t.Errorf("notes for a misspelled table: %q", out.Notes)
	}
	e.mustFail(t, "impact", map[string]any{"table": ""}, []string{"table"})
	e.mustFail(t, "impact", map[string]any{"table": "orders", "connection": "nope"}, []string{"nope"})
	e.mustFail(t, "impact", map[string]any{"table": "orders", "limit": 5000}, []string{"limit"})
}
