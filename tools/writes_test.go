package tools

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/mark3labs/mcp-go/mcp"
)

// answer is an elicitation handler that records the question and answers.
type answer struct {
	action mcp.ElicitationResponseAction
	commit bool
	asked  []string
}

func (a *answer) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	a.asked = append(a.asked, req.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: a.action, Content: map[string]any{"commit": a.commit}}}, nil
}

const itemsSetup = `CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1,'a'),(2,'b'),(3,'c');`

func (e *env) count(t *testing.T, conn, sql string) string {
	t.Helper()
	msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": conn, "sql": sql})
	if isErr {
		t.Fatal(msg)
	}
	return strings.Split(msg, "\n")[1]
}

// TestWritesWithoutElicitation: a client that cannot ask the user gets a
// preview first (rolled back); confirm: true commits.
func TestWritesWithoutElicitation(t *testing.T) {
	dsn := testutil.PGDatabase(t, itemsSetup)
	e := newEnvWith(t, envOptions{allowWrites: true})
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "rw", "engine": "postgres", "dsn": dsn, "read_only": false}); isErr || !strings.Contains(msg, "writable after confirmation: dml") {
		t.Fatalf("add writable: %s", msg)
	}
	msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": "rw", "sql": "DELETE FROM items WHERE id > 1 RETURNING id"})
	if isErr || !strings.Contains(msg, "DELETE 2: NOT committed") || !strings.Contains(msg, "confirm: true") {
		t.Fatalf("preview: %s", msg)
	}
	if n := e.count(t, "rw", "SELECT count(*) FROM items"); n != "3" {
		t.Fatalf("preview changed the table: %s rows", n)
	}
	msg, isErr = e.call(t, "execute_sql", map[string]any{"connection": "rw", "sql": "DELETE FROM items WHERE id > 1", "confirm": true})
	if isErr || !strings.Contains(msg, "DELETE 2: committed") {
		t.Fatalf("confirmed: %s", msg)
	}
	if n := e.count(t, "rw", "SELECT count(*) FROM items"); n != "1" {
		t.Fatalf("confirmed delete not committed: %s rows", n)
	}
	// Only the classes the connection allows: DDL is refused on a dml connection.
	e.mustFail(t, "execute_sql", map[string]any{"connection": "rw", "sql": "DROP TABLE items", "confirm": true}, []string{"refused", "DROP TABLE"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "rw", "sql": "SELECT pg_read_file('/etc/passwd')"}, []string{"refused"})
	hist, _ := e.call(t, "query_history", map[string]any{"connection": "rw", "limit": 10})
	for _, v := range []string{" declined ", " ok ", " refused "} {
		if !strings.Contains(hist, v) {
			t.Errorf("history lacks %q:\n%s", v, hist)
		}
	}
}

func TestWritesAskTheUser(t *testing.T) {
	dsn := testutil.PGDatabase(t, itemsSetup)
	a := &answer{action: mcp.ElicitationResponseActionDecline}
	e := newEnvWith(t, envOptions{allowWrites: true, elicit: a})
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "rw", "engine": "postgres", "dsn": dsn, "read_only": false, "writes": []string{"dml", "ddl"}}); isErr {
		t.Fatal(msg)
	}
	// confirm: true from the caller does not replace asking the user.
	msg, _ := e.call(t, "execute_sql", map[string]any{"connection": "rw", "sql": "UPDATE items SET name = 'z'", "confirm": true})
	if !strings.Contains(msg, "NOT committed") || len(a.asked) != 1 || !strings.Contains(a.asked[0], "UPDATE 3") {
		t.Fatalf("declined by the user: %s; asked %q", msg, a.asked)
	}
	a.action, a.commit = mcp.ElicitationResponseActionAccept, true
	msg, _ = e.call(t, "execute_sql", map[string]any{"connection": "rw", "sql": "CREATE TABLE more (i int)"})
	if !strings.Contains(msg, "CREATE TABLE: committed") {
		t.Fatalf("accepted by the user: %s", msg)
	}
	if n := e.count(t, "rw", "SELECT count(*) FROM more"); n != "0" {
		t.Fatalf("created table: %s", n)
	}
	a.commit = false // accepted the form but left the box unticked
	msg, _ = e.call(t, "execute_sql", map[string]any{"connection": "rw", "sql": "DELETE FROM items"})
	if !strings.Contains(msg, "NOT committed") {
		t.Fatalf("unticked: %s", msg)
	}
	if n := e.count(t, "rw", "SELECT count(*) FROM items"); n != "3" {
		t.Fatalf("items changed: %s", n)
	}
}

// TestWritesNeedTheServerFlag: a connection stored as writable runs
// read-only when the server starts without --allow-writes.
func TestWritesNeedTheServerFlag(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(t.TempDir(), "shop.duckdb")
	if err := duckdb.EnsureDemo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	t.Run("writable", func(t *testing.T) { // its server closes when the subtest ends
		e := newEnvWith(t, envOptions{home: home, allowWrites: true})
		if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "shop", "engine": "duckdb", "dsn": path, "read_only": false}); isErr {
			t.Fatal(msg)
		}
		msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": "shop", "sql": "DELETE FROM shipments WHERE carrier = 'DHL'", "confirm": true})
		if isErr || !strings.Contains(msg, ": committed") {
			t.Fatalf("DuckDB write: %s", msg)
		}
	})
	t.Run("restarted read-only", func(t *testing.T) {
		e := newEnvWith(t, envOptions{home: home})
		e.mustFail(t, "execute_sql", map[string]any{"connection": "shop", "sql": "DELETE FROM shipments", "confirm": true}, []string{"read-only"})
		if n := e.count(t, "shop", "SELECT count(*) FROM shipments WHERE carrier = 'DHL'"); n != "0" {
			t.Fatalf("DHL shipments: %s", n)
		}
	})
}
