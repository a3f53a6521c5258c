package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// The end-to-end tests build the real binary once and speak MCP to it over
// stdio and streamable HTTP.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "iopsdata-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "iopsdata")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// baseEnv is the environment of a server under test: no inherited
// IOPSDATA_* settings or FERNET_KEY, a private home.
func baseEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "IOPSDATA_") || strings.HasPrefix(kv, "FERNET_KEY=") {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "IOPSDATA_HOME="+home), extra...)
}

// startStdio starts the binary as a stdio MCP server and initializes it.
func startStdio(t *testing.T, home string, args ...string) *client.Client {
	t.Helper()
	c, err := client.NewStdioMCPClientWithOptions(binary(t), baseEnv(home), args)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	initialize(t, c)
	return c
}

func initialize(t *testing.T, c *client.Client) *mcp.InitializeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return res
}

// call invokes a tool and returns its result; wantErr says whether isError is expected.
func call(t *testing.T, ctx context.Context, c *client.Client, tool string, args map[string]any, wantErr bool) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError != wantErr {
		t.Fatalf("%s(%v): isError=%v, want %v: %s", tool, args, res.IsError, wantErr, text(res))
	}
	return res
}

func text(res *mcp.CallToolResult) string {
	var sb strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			sb.WriteString(tc.Text)
		}
	}
	return sb.String()
}

// structured decodes a result's structured content into v.
func structured(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode structured content %s: %v", b, err)
	}
}

type sqlOut struct {
	Columns []struct{ Name, Type string } `json:"columns"`
	Rows    [][]json.RawMessage           `json:"rows"`
	Count   int                           `json:"row_count"`
	Trunc   bool                          `json:"truncated"`
	Hint    string                        `json:"hint"`
}

// exerciseDemo runs the path a new user takes on the demo database.
func exerciseDemo(t *testing.T, c *client.Client) {
	t.Helper()
	ctx := t.Context()
	tl, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Tools) < 9 {
		t.Fatalf("%d tools listed", len(tl.Tools))
	}
	res := call(t, ctx, c, "list_connections", nil, false)
	if !strings.Contains(text(res), "demo (duckdb, read-only)") {
		t.Fatalf("list_connections: %s", text(res))
	}
	res = call(t, ctx, c, "list_tables", map[string]any{"connection": "demo"}, false)
	if !strings.Contains(text(res), "orders") {
		t.Fatalf("list_tables: %s", text(res))
	}
	res = call(t, ctx, c, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT count(*) AS n FROM orders"}, false)
	var out sqlOut
	structured(t, res, &out)
	if out.Count != 1 || len(out.Columns) != 1 || out.Columns[0].Name != "n" {
		t.Fatalf("execute_sql: %+v", out)
	}
	res = call(t, ctx, c, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT * FROM range(100000)", "max_rows": 5}, false)
	structured(t, res, &out)
	if out.Count != 5 || !out.Trunc || out.Hint == "" {
		t.Fatalf("row cap: %+v", out)
	}
	res = call(t, ctx, c, "query_history", map[string]any{"connection": "demo", "limit": 2}, false)
	if !strings.Contains(text(res), "range(100000)") {
		t.Fatalf("query_history: %s", text(res))
	}
	// Lineage on the demo catalog, and impact through the demo's view and
	// the query logged above.
	res = call(t, ctx, c, "lineage", map[string]any{"connection": "demo", "sql": "CREATE TABLE t AS SELECT * FROM orders"}, false)
	if !strings.Contains(text(res), "t.status <- orders.status") {
		t.Fatalf("lineage: %s", text(res))
	}
	res = call(t, ctx, c, "impact", map[string]any{"connection": "demo", "table": "orders", "column": "total_amount"}, false)
	if !strings.Contains(text(res), "monthly_revenue") {
		t.Fatalf("impact: %s", text(res))
	}
	res = call(t, ctx, c, "impact", map[string]any{"connection": "demo", "table": "orders"}, false)
	if !strings.Contains(text(res), "SELECT count(*) AS n FROM orders") {
		t.Fatalf("impact: %s", text(res))
	}
}

func TestE2EStdio(t *testing.T) {
	home := t.TempDir()
	c := startStdio(t, home)
	exerciseDemo(t, c)
	if _, err := os.Stat(filepath.Join(home, "fernet.key")); err != nil {
		t.Fatalf("key file not generated: %v", err)
	}
}

func TestE2EInstructions(t *testing.T) {
	c, err := client.NewStdioMCPClientWithOptions(binary(t), baseEnv(t.TempDir()), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res := initialize(t, c)
	for _, want := range []string{"list_tables", "untrusted", "execute_sql"} {
		if !strings.Contains(res.Instructions, want) {
			t.Errorf("instructions do not mention %q", want)
		}
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startHTTP runs `iopsdata serve --http` and returns its /mcp URL.
func startHTTP(t *testing.T, home string) string {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(binary(t), "serve", "--http", addr)
	cmd.Env = baseEnv(home)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("server did not stop on SIGINT; stderr:\n%s", stderr.String())
		}
	})
	url := "http://" + addr + "/mcp"
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			return url
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not listen on %s; stderr:\n%s", addr, stderr.String())
	return ""
}

func TestE2EHTTP(t *testing.T) {
	url := startHTTP(t, t.TempDir())
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	initialize(t, c)
	exerciseDemo(t, c)

	// A web page must not drive the local server.
	req, _ := http.NewRequest("POST", url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin request: status %d, want 403", resp.StatusCode)
	}
}

func TestE2ERefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.0.2.1:8080"} {
		cmd := exec.Command(binary(t), "serve", "--http", addr)
		cmd.Env = baseEnv(t.TempDir())
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "loopback") {
			t.Errorf("serve --http %s: err=%v output=%s", addr, err, out)
		}
	}
}

// TestE2ETwoProcesses: a desktop client and an IDE each start a server on the
// same home; both must work and see each other's connections.
func TestE2ETwoProcesses(t *testing.T) {
	home := t.TempDir()
	dbA := filepath.Join(home, "demo.duckdb")
	var wg sync.WaitGroup
	clients := make([]*client.Client, 2)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.NewStdioMCPClientWithOptions(binary(t), baseEnv(home), nil)
			if err != nil {
				t.Error(err)
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	for _, c := range clients {
		if c == nil {
			t.FailNow()
		}
		t.Cleanup(func() { c.Close() })
		initialize(t, c)
	}
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "demo", "sql": fmt.Sprintf("SELECT %d AS p, count(*) FROM customers", i)}, false)
			}
		}()
	}
	wg.Wait()
	// DuckDB connections added in one process are visible in the other.
	call(t, t.Context(), clients[0], "add_connection", map[string]any{"name": "shared", "engine": "duckdb", "dsn": dbA}, false)
	res := call(t, t.Context(), clients[1], "execute_sql", map[string]any{"connection": "shared", "sql": "SELECT count(*) FROM products"}, false)
	if !strings.Contains(text(res), "1 rows") {
		t.Fatalf("second process on shared connection: %s", text(res))
	}
	// A file uploaded in one process is a table in the other (after the
	// connection's one-second revalidation).
	call(t, t.Context(), clients[0], "upload_file", map[string]any{"name": "cities", "content": "city,pop\nOslo,709000\nBergen,291000\n"}, false)
	for deadline := time.Now().Add(5 * time.Second); ; {
		req := callReq("execute_sql", map[string]any{"connection": "files", "sql": "SELECT sum(pop) AS total FROM cities"})
		res, err := clients[1].CallTool(t.Context(), req)
		if err == nil && !res.IsError && strings.Contains(text(res), "1000000") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("second process does not see the uploaded file: %v %v", err, res)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The other process commits its log in batches (within 20 ms of a call),
	// so its entries become visible here shortly after its calls return.
	var h struct{ Entries []struct{ SQL string } }
	for deadline := time.Now().Add(5 * time.Second); ; {
		res = call(t, t.Context(), clients[1], "query_history", map[string]any{"limit": 100}, false)
		structured(t, res, &h)
		if len(h.Entries) >= 41 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("history holds %d entries from both processes, want 41", len(h.Entries))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
