package tools

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// env is a real server (store, connection manager, runner) behind an
// in-process MCP client.
type env struct {
	c     *client.Client
	store *store.Store
	home  string
}

func newEnv(t *testing.T) *env { return newEnvWith(t, envOptions{}) }

type envOptions struct {
	home        string // "" → a new temp dir
	allowWrites bool
	elicit      client.ElicitationHandler // nil: the client cannot be asked
	filesRoots  []string
	filesMax    int64
	roots       []string // file:// URIs the client declares as roots; nil: no roots capability
}

func newEnvWith(t *testing.T, o envOptions) *env {
	t.Helper()
	home := o.home
	if home == "" {
		home = t.TempDir()
	}
	st, err := store.Open(t.Context(), store.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cm := conns.New(st, conns.Config{Home: home, DemoPath: filepath.Join(home, "demo.duckdb"), AllowWrites: o.allowWrites}, nil, nil)
	t.Cleanup(cm.Close)
	runner := query.New(cm, st, query.Limits{}, nil)
	s := NewServer(&Deps{Conns: cm, Runner: runner, Store: st, AllowWrites: o.allowWrites, Catalog: catalog.NewCache(0),
		FilesRoots: o.filesRoots, FilesMaxBytes: o.filesMax}, Options{Name: "test", Version: "test"})
	var opts []client.ClientOption
	if o.elicit != nil {
		opts = append(opts, client.WithElicitationHandler(o.elicit))
	}
	if o.roots != nil {
		opts = append(opts, client.WithRootsHandler(rootsList(o.roots)))
	}
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if o.roots != nil {
		req.Params.Capabilities.Roots = &struct {
			ListChanged bool `json:"listChanged,omitempty"`
		}{}
	}
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	return &env{c: c, store: st, home: home}
}

func (e *env) call(t *testing.T, tool string, args map[string]any) (string, bool) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := e.c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	var sb strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			sb.WriteString(tc.Text)
		}
	}
	return sb.String(), res.IsError
}

// mustFail calls a tool that must fail with a message holding every want
// and none of the secrets.
func (e *env) mustFail(t *testing.T, tool string, args map[string]any, want []string, secrets ...string) {
	t.Helper()
	msg, isErr := e.call(t, tool, args)
	if !isErr {
		t.Fatalf("%s(%v) succeeded: %s", tool, args, msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: error %q does not contain %q", tool, msg, w)
		}
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("%s: error leaks %q: %s", tool, s, msg)
		}
	}
}

func (e *env) storedNames(t *testing.T) []string {
	t.Helper()
	list, err := e.store.ListConnections(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	return names
}

func TestBadInputDuckDB(t *testing.T) {
	e := newEnv(t)
	e.mustFail(t, "execute_sql", map[string]any{"connection": "nope", "sql": "SELECT 1"}, []string{`connection "nope" not found`, "list_connections"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "  "}, []string{"sql is empty"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT 1", "max_row": 5}, []string{"invalid arguments", "max_row"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT " + strings.Repeat("1+", 600000) + "1"}, []string{"over the", "limit"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT * FROM no_such_table"}, []string{"no_such_table", "list_tables"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "SELECT 1; SELECT 2"}, []string{"one statement"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "demo", "sql": "CREATE TABLE x (i int)"}, []string{"read-only"})
	e.mustFail(t, "add_connection", map[string]any{"name": "demo", "engine": "duckdb", "dsn": "/x.duckdb"}, []string{"built-in"})
	e.mustFail(t, "add_connection", map[string]any{"name": "Bad Name", "engine": "duckdb", "dsn": "/x.duckdb"}, []string{"lower-case"})
	e.mustFail(t, "add_connection", map[string]any{"name": "f", "engine": "mysql", "dsn": "x"}, []string{`"postgres" or "duckdb"`})
	e.mustFail(t, "add_connection", map[string]any{"name": "f", "engine": "duckdb", "dsn": filepath.Join(e.home, "missing.duckdb")}, []string{"does not exist"})
	e.mustFail(t, "add_connection", map[string]any{"name": "f", "engine": "duckdb", "dsn": filepath.Join(e.home, "iopsdata.db")}, []string{"f"})
	e.mustFail(t, "add_connection", map[string]any{"name": "rw", "engine": "duckdb", "dsn": filepath.Join(e.home, "demo.duckdb"), "read_only": false}, []string{"--allow-writes"})
	e.mustFail(t, "add_connection", map[string]any{"name": "rw", "engine": "duckdb", "dsn": filepath.Join(e.home, "demo.duckdb"), "writes": []string{"dml"}}, []string{"read_only false"})
	e.mustFail(t, "remove_connection", map[string]any{"name": "demo"}, []string{"cannot be removed"})
	e.mustFail(t, "remove_connection", map[string]any{"name": "ghost"}, []string{`"ghost" not found`})
	if names := e.storedNames(t); len(names) != 0 {
		t.Fatalf("failed calls changed the store: %v", names)
	}
	// The duplicate check happens after a successful add.
	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "copy", "engine": "duckdb", "dsn": filepath.Join(e.home, "demo.duckdb")}); isErr {
		t.Fatal(msg)
	}
	e.mustFail(t, "add_connection", map[string]any{"name": "copy", "engine": "duckdb", "dsn": filepath.Join(e.home, "demo.duckdb")}, []string{"already exists", "choose another name"})
}

func TestBadInputPostgres(t *testing.T) {
	dsn := testutil.PGDatabase(t, `
		CREATE TABLE secret_stuff (id int);
		CREATE TABLE keep (id int); INSERT INTO keep VALUES (1), (2);
		DO $$ BEGIN
		  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iopsdata_nopriv') THEN CREATE ROLE iopsdata_nopriv LOGIN; END IF;
		END $$;
		REVOKE ALL ON secret_stuff FROM PUBLIC;`)
	e := newEnv(t)
	const pw = "s3cretPassw0rd"
	e.mustFail(t, "add_connection", map[string]any{"name": "bad", "engine": "postgres", "dsn": "postgres://u:" + pw + "@localhost:notaport/db"}, []string{"postgres://user:password@host"}, pw)
	e.mustFail(t, "add_connection", map[string]any{"name": "down", "engine": "postgres", "dsn": "postgres://u:" + pw + "@127.0.0.1:1/db?connect_timeout=3"}, []string{"reach"}, pw, "127.0.0.1:1/db")
	e.mustFail(t, "add_connection", map[string]any{"name": "nobody", "engine": "postgres", "dsn": withUser(t, dsn, "no_such_role_x", pw)}, []string{"no_such_role_x"}, pw)
	e.mustFail(t, "add_connection", map[string]any{"name": "nodb", "engine": "postgres", "dsn": testutil.WithDatabase(t, dsn, "no_such_db_x")}, []string{"no_such_db_x", "database"})
	if names := e.storedNames(t); len(names) != 0 {
		t.Fatalf("failed adds changed the store: %v", names)
	}

	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}); isErr {
		t.Fatal(msg)
	}
	e.mustFail(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn}, []string{"already exists"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELEC 1"}, []string{"syntax error", "character 1"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "pg", "sql": "-- nothing"}, []string{"only comments"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT 1; DROP TABLE keep"}, []string{"exactly one statement"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "pg", "sql": "DELETE FROM keep"}, []string{"read-only"})
	e.mustFail(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT nope FROM keep"}, []string{"nope", "describe_table"})
	if msg, _ := e.call(t, "execute_sql", map[string]any{"connection": "pg", "sql": "SELECT count(*) FROM keep"}); !strings.Contains(msg, "\n2\n") {
		t.Fatalf("keep table changed: %s", msg)
	}

	if msg, isErr := e.call(t, "add_connection", map[string]any{"name": "nopriv", "engine": "postgres", "dsn": withUser(t, dsn, "iopsdata_nopriv", "")}); isErr {
		t.Fatal(msg)
	}
	e.mustFail(t, "execute_sql", map[string]any{"connection": "nopriv", "sql": "SELECT * FROM secret_stuff"}, []string{"permission denied", "GRANT SELECT"})

	msg, _ := e.call(t, "query_history", map[string]any{"connection": "pg", "limit": 50})
	for _, v := range []string{" refused ", " error ", " ok "} {
		if !strings.Contains(msg, v) {
			t.Errorf("query_history lacks verdict %q:\n%s", v, msg)
		}
	}
}

func TestTestConnectionReportsSuperuser(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	e := newEnv(t)
	msg, isErr := e.call(t, "add_connection", map[string]any{"name": "pg", "engine": "postgres", "dsn": dsn})
	if isErr || !strings.Contains(msg, "superuser") {
		t.Fatalf("add_connection as postgres should warn about superuser: %s", msg)
	}
	msg, isErr = e.call(t, "test_connection", map[string]any{"name": "pg"})
	if isErr || !strings.Contains(msg, "ok:") || !strings.Contains(msg, "superuser") {
		t.Fatalf("test_connection: %s", msg)
	}
	if msg, isErr := e.call(t, "remove_connection", map[string]any{"name": "pg"}); isErr {
		t.Fatal(msg)
	}
	e.mustFail(t, "test_connection", map[string]any{"name": "pg"}, []string{"not found"})
}

func withUser(t *testing.T, dsn, user, password string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres") {
		t.Skip("IOPSDATA_TEST_PG is not a URL")
	}
	rest := dsn[strings.Index(dsn, "://")+3:]
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	cred := user
	if password != "" {
		cred += ":" + password
	}
	return "postgres://" + cred + "@" + rest
}
