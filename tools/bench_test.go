package tools

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/mcp"
)

// BenchmarkExecuteSQLHandler measures the execute_sql handler (argument
// binding, connection lookup, parse, PostgreSQL round trip, query log, text
// rendering) without the MCP transport.
//
//	IOPSDATA_TEST_PG=... go test -run '^$' -bench ExecuteSQLHandler ./tools/
func BenchmarkExecuteSQLHandler(b *testing.B) {
	dsn := testutil.PGDatabase(b, "")
	home := b.TempDir()
	st, err := store.Open(b.Context(), store.Options{Home: home})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cm := conns.New(st, conns.Config{Home: home, DemoPath: filepath.Join(home, "demo.duckdb")}, nil, nil)
	defer cm.Close()
	if _, err := cm.Add(b.Context(), store.Connection{Name: "pg", Engine: "postgres", DSN: dsn, ReadOnly: true}); err != nil {
		b.Fatal(err)
	}
	d := &Deps{Conns: cm, Runner: query.New(cm, st, query.Limits{}, nil), Store: st}
	h := executeSQL(d).Handler
	req := mcp.CallToolRequest{}
	req.Params.Name = "execute_sql"
	req.Params.Arguments = map[string]any{"connection": "pg", "sql": "SELECT g AS id, 'name ' || g AS name, g * 1.5 AS score FROM generate_series(1, 99) g"}
	b.ResetTimer()
	for b.Loop() {
		res, err := h(context.Background(), req)
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}
