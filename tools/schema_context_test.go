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
