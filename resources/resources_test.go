package resources

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func newClient(t *testing.T) *client.Client {
	t.Helper()
	home := t.TempDir()
	st, err := store.Open(t.Context(), store.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cm := conns.New(st, conns.Config{Home: home, DemoPath: filepath.Join(home, "demo.duckdb")}, nil, nil)
	t.Cleanup(cm.Close)
	d := &Deps{Conns: cm, Catalog: catalog.NewCache(0)}
	s := server.NewMCPServer("test", "test", ServerOptions(d)...)
	Register(s, d)
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	return c
}

func read(t *testing.T, c *client.Client, uri string) (string, error) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := c.ReadResource(t.Context(), req)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, r := range res.Contents {
		if tc, ok := r.(mcp.TextResourceContents); ok {
			sb.WriteString(tc.Text)
		}
	}
	return sb.String(), nil
}

func TestResources(t *testing.T) {
	c := newClient(t)
	tpl, err := c.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
	if err != nil || len(tpl.ResourceTemplates) != 2 {
		t.Fatalf("templates: %+v %v", tpl, err)
	}
	text, err := read(t, c, "iopsdata://demo/overview")
	if err != nil || !strings.Contains(text, "orders") || !strings.Contains(text, "customers") {
		t.Fatalf("overview: %v\n%s", err, text)
	}
	if catalog.Tokens(text) > overviewTokens {
		t.Fatalf("overview is %d tokens, over %d", catalog.Tokens(text), overviewTokens)
	}
	text, err = read(t, c, "iopsdata://demo/tables/orders")
	if err != nil || !strings.Contains(text, "CREATE TABLE") || !strings.Contains(text, "PRIMARY KEY") || !strings.Contains(text, "REFERENCES") {
		t.Fatalf("table DDL: %v\n%s", err, text)
	}
	if _, err := read(t, c, "iopsdata://demo/tables/ordres"); err == nil || !strings.Contains(err.Error(), "orders") {
		t.Fatalf("unknown table should suggest orders: %v", err)
	}
	if _, err := read(t, c, "iopsdata://nope/overview"); err == nil {
		t.Fatal("unknown connection read")
	}
}

func TestCompletion(t *testing.T) {
	c := newClient(t)
	complete := func(arg, value string, ctxArgs map[string]string) []string {
		req := mcp.CompleteRequest{}
		req.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: TableURI}
		req.Params.Argument.Name, req.Params.Argument.Value = arg, value
		req.Params.Context.Arguments = ctxArgs
		res, err := c.Complete(t.Context(), req)
		if err != nil {
			t.Fatalf("complete %s=%q: %v", arg, value, err)
		}
		return res.Completion.Values
	}
	if got := complete("connection", "de", nil); len(got) != 1 || got[0] != "demo" {
		t.Fatalf("connection completion: %v", got)
	}
	got := complete("table", "main.ord", map[string]string{"connection": "demo"})
	if strings.Join(got, ",") != "main.order_items,main.orders" {
		t.Fatalf("table completion: %v", got)
	}
	if got := complete("table", "ship", map[string]string{"connection": "demo"}); len(got) != 1 || got[0] != "main.shipments" {
		t.Fatalf("substring completion: %v", got)
	}
}
