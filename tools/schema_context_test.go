package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestSchemaContextTool(t *testing.T) {
	e := newEnv(t)
	call := func(args map[string]any) SchemaContextOut {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name = "schema_context"
		req.Params.Arguments = args
		res, err := e.c.CallTool(t.Context(), req)
		if err != nil || res.IsError {
			t.Fatalf("schema_context(%v): %v %+v", args, err, res.Content)
		}
		var out SchemaContextOut
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := call(map[string]any{"connection": "demo", "question": "top 5 customers by revenue in 2024", "max_tokens": 1500})
	var names []string
	for _, tb := range out.Tables {
		names = append(names, tb.Name)
	}
	joined := strings.Join(names, ",")
	if !strings.Contains(joined, "customers") || !strings.Contains(joined, "orders") {
		t.Fatalf("tables for a revenue question: %v", names)
	}
	if out.Tokens > 1500 || !strings.Contains(out.Context, "CREATE TABLE") {
		t.Fatalf("context: %d tokens\n%s", out.Tokens, out.Context)
	}
	over := call(map[string]any{"connection": "demo"})
	if over.Tokens > DefaultContextTokens || !strings.Contains(over.Context, "shipments") {
		t.Fatalf("overview: %d tokens\n%s", over.Tokens, over.Context)
	}
	e.mustFail(t, "schema_context", map[string]any{"connection": "demo", "max_tokens": 1000000}, []string{"over the"})
	e.mustFail(t, "schema_context", map[string]any{"connection": "nope"}, []string{"list_connections"})
}

func TestProfileTool(t *testing.T) {
	e := newEnv(t)
	msg, isErr := e.call(t, "profile", map[string]any{"connection": "demo", "table": "customers", "columns": []string{"customer_id", "email"}})
	if isErr || !strings.Contains(msg, "customers: 320 rows") || !strings.Contains(msg, "candidate_key") {
		t.Fatalf("profile: %s", msg)
	}
	e.mustFail(t, "profile", map[string]any{"connection": "demo", "table": "custmers"}, []string{"did you mean", "customers"})
}

// TestSamplesOff: a connection added with samples: false shows no data in
// describe_table or schema_context.
func TestSamplesOff(t *testing.T) {
	e := newEnv(t)
	demo := e.home + "/demo.duckdb"
	if msg, isErr := e.call(t, "list_tables", map[string]any{"connection": "demo"}); isErr { // creates the demo file
		t.Fatal(msg)
	}
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "private", "engine": "duckdb", "dsn": demo, "samples": false}); isErr {
		t.Fatal(msg)
	}
	msg, isErr := e.call(t, "describe_table", map[string]any{"connection": "private", "table": "customers"})
	if isErr || strings.Contains(msg, "sample rows") {
		t.Fatalf("describe_table shows sample rows on a samples:false connection:\n%s", msg)
	}
	msg, _ = e.call(t, "schema_context", map[string]any{"connection": "private", "question": "customer emails by country"})
	if strings.Contains(msg, "e.g.") {
		t.Fatalf("schema_context shows sample values on a samples:false connection:\n%s", msg)
	}
	msg, _ = e.call(t, "schema_context", map[string]any{"connection": "demo", "question": "customer emails by country"})
	if !strings.Contains(msg, "e.g.") {
		t.Fatalf("schema_context should show samples on demo:\n%s", msg)
	}
}
