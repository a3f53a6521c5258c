package duckdb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
)

// TestQueryRefuses: what Query stops, and with which Kind.
func TestQueryRefuses(t *testing.T) {
	out := t.TempDir()
	path := makeDB(t, "CREATE TABLE t AS SELECT range AS i FROM range(10)")
	before := fileDigest(t, path)
	s := openSource(t, Config{Path: path})
	cases := []struct {
		sql  string
		kind source.Kind
	}{
		{"SELECT * FROM read_csv('/etc/passwd')", source.KindSandbox},
		{"SELECT * FROM read_text('/etc/passwd')", source.KindSandbox},
		{"SELECT * FROM glob('/etc/*')", source.KindSandbox},
		{"SELECT * FROM '/etc/passwd'", source.KindUndefined},
		// COPY and EXPORT touch files while being prepared: DuckDB refuses them first.
		{"COPY t TO '" + out + "/x.csv'", source.KindSandbox},
		{"COPY (SELECT 1) TO '/tmp/x.csv'", source.KindSandbox},
		{"EXPORT DATABASE '" + out + "/exp'", source.KindSandbox},
		{"CREATE TABLE x (i INTEGER)", source.KindReadOnly},
		{"CREATE TEMP TABLE x (i INTEGER)", source.KindReadOnly},
		{"CREATE TEMP MACRO m(a) AS a + 1", source.KindReadOnly},
		{"INSERT INTO t VALUES (11)", source.KindReadOnly},
		{"UPDATE t SET i = 0", source.KindReadOnly},
		{"DELETE FROM t", source.KindReadOnly},
		{"DROP TABLE t", source.KindReadOnly},
		{"ATTACH '" + out + "/y.duckdb' AS y", source.KindUnsupported},
		{"DETACH test", source.KindUnsupported},
		{"INSTALL httpfs", source.KindUnsupported},
		{"LOAD httpfs", source.KindUnsupported},
		{"SET enable_external_access = true", source.KindUnsupported},
		{"RESET lock_configuration", source.KindUnsupported},
		{"SET VARIABLE v = 1", source.KindUnsupported},
		{"PRAGMA enable_profiling", source.KindUnsupported},
		{"PRAGMA threads = 8", source.KindUnsupported},
		{"CALL enable_logging(storage := 'stdout')", source.KindUnsupported},
		{"CHECKPOINT", source.KindUnsupported},
		{"BEGIN TRANSACTION", source.KindUnsupported},
		{"SELECT * FROM enable_logging(storage := 'stdout')", source.KindUnsupported},
		{"FROM main.ENABLE_PROFILING()", source.KindUnsupported},
		{"SELECT * FROM t, (SELECT * FROM truncate_duckdb_logs())", source.KindUnsupported},
		{"SELECT * FROM query('SELECT 1')", source.KindUnsupported},
		{"FROM query_table('orders') LIMIT 1", source.KindUnsupported},
		{"EXPLAIN ANALYZE SELECT * FROM enable_logging()", source.KindUnsupported},
		{"SUMMARIZE SELECT * FROM enable_logging()", source.KindUnsupported},
		{"SELECT * FROM \"enable_logging\" /* x */ -- y\n ()", source.KindUnsupported},
		{"SELECT 'x'.enable_profiling()", source.KindSyntax},
	}
	for _, c := range cases {
		t.Run(c.sql, func(t *testing.T) { wantKind(t, s, c.sql, c.kind) })
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	for _, setting := range []string{"enable_logging", "enable_external_access"} {
		if v := scalar(t, s, "SELECT current_setting('"+setting+"')::BOOLEAN"); v != false {
			t.Errorf("%s = %v after the attempts", setting, v)
		}
	}
	s.Close()
	if fileDigest(t, path) != before {
		t.Errorf("the database file changed")
	}
}

// TestQueryAllows: statements that only mention a denied name, and the
// read-only statement kinds.
func TestQueryAllows(t *testing.T) {
	s := openDemo(t, Config{})
	for _, q := range []string{
		"SELECT 'enable_logging()' AS s, 1 AS query, 2 AS checkpoint",
		"SELECT 1 -- query('x')",
		"EXPLAIN SELECT * FROM orders",
		"DESCRIBE orders",
		"SHOW TABLES",
		"SUMMARIZE categories",
		"PRAGMA version",
		"VALUES (1, 'a'), (2, 'b')",
		"WITH x AS (SELECT 1 AS a) SELECT * FROM x",
		"SELECT * FROM duckdb_settings() WHERE name = 'threads'",
		"PIVOT (FROM orders) ON status IN ('delivered', 'shipped') USING count(*) GROUP BY channel",
	} {
		if _, err := s.Query(t.Context(), q, source.Limits{}); err != nil {
			t.Errorf("Query(%q): %v", q, err)
		}
	}
}

// TestSandboxHoldsAlone runs SQL on the pool directly, past Query's
// statement checks, to show DuckDB's own settings stop it too.
func TestSandboxHoldsAlone(t *testing.T) {
	out := t.TempDir()
	files := t.TempDir()
	if err := os.WriteFile(filepath.Join(files, "a.csv"), []byte("x,y\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "secret.csv"), []byte("x\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openSource(t, Config{Path: makeDB(t, "CREATE TABLE t (i INTEGER)"), FilesDir: files})
	refused := map[string]string{
		"SELECT * FROM read_csv('/etc/passwd')":                     "disabled by configuration",
		"SELECT * FROM read_csv('" + out + "/secret.csv')":          "disabled by configuration",
		"SELECT * FROM read_csv('" + files + "/../secret.csv')":     "disabled by configuration",
		"COPY (SELECT 1) TO '" + out + "/x.csv'":                    "disabled by configuration",
		"ATTACH '" + out + "/y.duckdb' AS y":                        "disabled by configuration",
		"INSTALL httpfs":                                            "disabled by configuration",
		"LOAD httpfs":                                               "disabled through configuration",
		"SET enable_external_access = true":                         "configuration has been locked",
		"SET allowed_directories = ['/']":                           "configuration has been locked",
		"SET lock_configuration = false":                            "configuration has been locked",
		"SET autoload_known_extensions = true":                      "configuration has been locked",
		"CREATE TABLE x (i INTEGER)":                                "read-only mode",
		"INSERT INTO t VALUES (1)":                                  "read-only mode",
		"SELECT * FROM read_csv('" + files + "/a.csv') JOIN t ON 1": "",
	}
	for q, want := range refused {
		_, err := s.db.ExecContext(t.Context(), q)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", q, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", q, err, want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Errorf("files written: %v", entries)
	}
	got := mustQuery(t, s, `SELECT current_setting('lock_configuration'), current_setting('enable_external_access'),
		current_setting('autoload_known_extensions'), current_setting('autoinstall_known_extensions'),
		current_setting('threads'), current_setting('TimeZone')`)
	if sprint(got.Rows) != "[[true false false false 2 UTC]]" {
		t.Errorf("settings: %v", got.Rows)
	}
	res := mustQuery(t, s, "SELECT * FROM read_csv('"+files+"/a.csv')")
	if sprint(res.Rows) != "[[1 2]]" {
		t.Errorf("managed file: %v", res.Rows)
	}
}

// TestSandboxEveryConnection checks connections beyond the first: they
// find the configuration locked and still refuse to change it.
func TestSandboxEveryConnection(t *testing.T) {
	s := openDemo(t, Config{})
	conns := make([]any, 0, 3)
	for range 3 {
		c, err := s.db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.ExecContext(t.Context(), "SET enable_external_access = true"); err == nil {
			t.Errorf("connection %d: SET enable_external_access succeeded", len(conns))
		}
		conns = append(conns, c)
	}
}
