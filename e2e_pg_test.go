package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/jackc/pgx/v5"
	"github.com/mark3labs/mcp-go/mcp"
)

// runningSleeps counts pg_sleep statements of iopsdata sessions in db.
func runningSleeps(t *testing.T, dsn, marker string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%'||$1||'%' AND pid <> pg_backend_pid()`, marker).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func waitNoSleeps(t *testing.T, dsn, marker string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if runningSleeps(t, dsn, marker) == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("pg_sleep (%s) still running in the database after the call ended", marker)
}

func TestE2EPostgresCancel(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	c := startStdio(t, t.TempDir())
	call(t, t.Context(), c, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}, false)

	// An MCP cancel (the client gives up) stops the statement in the database.
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	req := callReq("execute_sql", map[string]any{"connection": "pg", "sql": "SELECT pg_sleep(30) AS cancel_marker_1"})
	start := time.Now()
	if _, err := c.CallTool(ctx, req); err == nil {
		t.Fatal("canceled call returned a result")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	waitNoSleeps(t, dsn, "cancel_marker_1")

	// The server keeps working, and the log says what happened.
	res := call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT 1 AS one"}, false)
	if !strings.Contains(text(res), "one\n1\n") {
		t.Fatalf("after cancel: %q", text(res))
	}
	// A statement timeout is enforced by the database.
	res = call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT pg_sleep(5)", "timeout_ms": 200}, true)
	if !strings.Contains(text(res), "timeout") {
		t.Fatalf("timeout error: %s", text(res))
	}
	res = call(t, t.Context(), c, "query_history", map[string]any{"connection": "pg", "limit": 5}, false)
	for _, want := range []string{"canceled", "timeout", "ok"} {
		if !strings.Contains(text(res), " "+want+" ") {
			t.Errorf("history lacks verdict %q:\n%s", want, text(res))
		}
	}
}

func TestE2EPostgresClientDisconnect(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	home := t.TempDir()
	c := startStdio(t, home)
	call(t, t.Context(), c, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}, false)
	go c.CallTool(context.Background(), callReq("execute_sql", map[string]any{"connection": "pg", "sql": "SELECT pg_sleep(30) AS disconnect_marker"}))
	deadline := time.Now().Add(5 * time.Second)
	for runningSleeps(t, dsn, "disconnect_marker") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("pg_sleep never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Close() // the client goes away: stdin closes, the server must stop the statement
	waitNoSleeps(t, dsn, "disconnect_marker")
}

// TestE2ESameJSONBothEngines: the same logical values come back as the same
// JSON from PostgreSQL and DuckDB.
func TestE2ESameJSONBothEngines(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	c := startStdio(t, t.TempDir())
	call(t, t.Context(), c, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}, false)
	pgSQL := `SELECT 42::int8 AS small, 9007199254740993::int8 AS big, '-9223372036854775808'::int8 AS minint,
	  123.4500::numeric(10,4) AS dec, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, 1.5::float8 AS f,
	  true AS b, 'héllo, "x"'::text AS s, DATE '2024-02-29' AS d, TIME '13:45:00.5' AS t,
	  TIMESTAMP '2024-03-01 13:45:00.123456' AS ts, TIMESTAMPTZ '2024-03-01 13:45:00+02' AS tstz,
	  INTERVAL '1 year 2 months 3 days 04:05:06.5' AS iv, '0b6e3f7a-2c4d-4e5f-8a9b-0c1d2e3f4a5b'::uuid AS u,
	  '{"a": [1, 2]}'::json AS j, '\xdeadbeef'::bytea AS bin, ARRAY[1, NULL, 3]::int4[] AS arr, NULL::text AS n`
	duckSQL := `SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big, '-9223372036854775808'::BIGINT AS minint,
	  123.4500::DECIMAL(10,4) AS dec, 'NaN'::DOUBLE AS nan, 'Infinity'::DOUBLE AS inf, 1.5::DOUBLE AS f,
	  true AS b, 'héllo, "x"'::VARCHAR AS s, DATE '2024-02-29' AS d, TIME '13:45:00.5' AS t,
	  TIMESTAMP '2024-03-01 13:45:00.123456' AS ts, TIMESTAMPTZ '2024-03-01 13:45:00+02' AS tstz,
	  INTERVAL '1 year 2 months 3 days 04:05:06.5' AS iv, '0b6e3f7a-2c4d-4e5f-8a9b-0c1d2e3f4a5b'::UUID AS u,
	  '{"a": [1, 2]}'::JSON AS j, '\xDE\xAD\xBE\xEF'::BLOB AS bin, [1, NULL, 3]::INTEGER[] AS arr, NULL::VARCHAR AS n`
	var pg, duck sqlOut
	structured(t, call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "pg", "sql": pgSQL}, false), &pg)
	structured(t, call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "demo", "sql": duckSQL}, false), &duck)
	norm := func(o sqlOut) []string {
		var out []string
		for i, v := range o.Rows[0] {
			var x any
			json.Unmarshal(v, &x)
			b, _ := json.Marshal(x)
			out = append(out, o.Columns[i].Name+"="+string(b))
		}
		return out
	}
	if diff := cmp.Diff(norm(pg), norm(duck)); diff != "" {
		t.Fatalf("PostgreSQL and DuckDB encode the same values differently (-pg +duck):\n%s", diff)
	}
	want := `big="9007199254740993"`
	if got := norm(pg)[1]; got != want {
		t.Fatalf("big integer: %s, want %s", got, want)
	}
}

func callReq(tool string, args map[string]any) (req mcp.CallToolRequest) {
	req.Params.Name = tool
	req.Params.Arguments = args
	return req
}

// TestE2ESlowCallsDoNotBlockOthers: while more long statements run than
// mcp-go's default worker pool holds, a quick call is still answered first.
func TestE2ESlowCallsDoNotBlockOthers(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	c := startStdio(t, t.TempDir())
	call(t, t.Context(), c, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn, "pool_size": 10}, false)
	const slow = 8
	done := make(chan string, slow+1)
	for i := 0; i < slow; i++ {
		go func() {
			c.CallTool(t.Context(), callReq("execute_sql", map[string]any{"connection": "pg", "sql": "SELECT pg_sleep(3) AS slow_marker"}))
			done <- "slow"
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runningSleeps(t, dsn, "slow_marker") < slow && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	go func() {
		call(t, t.Context(), c, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT 1"}, false)
		done <- "quick"
	}()
	if first := <-done; first != "quick" {
		t.Fatalf("a quick call waited behind %d slow ones", slow)
	}
	for i := 0; i < slow; i++ {
		<-done
	}
}
