package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source"
)

// TestWriteRefuses: what Write never runs, with which Kind, and that none
// of it changes the file or creates a file anywhere.
func TestWriteRefuses(t *testing.T) {
	out, files := t.TempDir(), t.TempDir()
	csv := filepath.Join(files, "a.csv")
	if err := os.WriteFile(csv, []byte("id,name,qty\n7,x,1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := makeDB(t, writeFixture)
	before := snapshot(t, path)
	w := openWriter(t, path, Config{FilesDir: files})
	unsupported := []string{
		// files, extensions, settings
		"INSTALL httpfs", "LOAD httpfs", "FORCE INSTALL httpfs", "UPDATE EXTENSIONS",
		"ATTACH '" + out + "/y.duckdb' AS y", "DETACH test", "USE sx",
		"COPY items TO '" + out + "/x.csv'", "COPY items FROM '" + csv + "'", "COPY (SELECT 1) TO '" + out + "/x.parquet'",
		"EXPORT DATABASE '" + out + "/exp'", "IMPORT DATABASE '" + out + "'",
		"CREATE SECRET s (TYPE s3)", "CREATE PERSISTENT SECRET s (TYPE s3)", "CREATE OR REPLACE SECRET s (TYPE s3)",
		"DROP SECRET s", "SET threads = 4", "SET enable_external_access = true", "RESET threads",
		"SET VARIABLE v = 1", "PRAGMA threads = 4", "PRAGMA enable_profiling", "CHECKPOINT", "FORCE CHECKPOINT",
		// transaction control, several statements
		"BEGIN", "BEGIN TRANSACTION", "START TRANSACTION", "COMMIT", "ROLLBACK", "ABORT", "END",
		"COMMIT; DROP TABLE items", "INSERT INTO items VALUES (20, 'a', 1); COMMIT",
		"INSERT INTO items VALUES (20, 'a', 1); INSERT INTO items VALUES (21, 'b', 1)",
		"DELETE FROM items; SELECT 1",
		// maintenance, calls, prepared statements
		"VACUUM", "ANALYZE", "VACUUM ANALYZE items", "CALL checkpoint()", "CALL enable_logging(storage := 'stdout')",
		"PREPARE p AS DELETE FROM items", "EXECUTE p", "DEALLOCATE p",
		// reads
		"SELECT 1", "SELECT nextval('seq')", "EXPLAIN DELETE FROM items", "WITH x AS (SELECT 1) SELECT * FROM x",
		"FROM items", "DESCRIBE items", "SHOW TABLES", "VALUES (1)", "PIVOT items ON name USING sum(qty)",
		// macros, temporary objects and other catalog objects
		"CREATE MACRO m(a) AS a + 1", "CREATE OR REPLACE MACRO abs(a) AS a + 100", "CREATE FUNCTION f(a) AS a",
		"CREATE /* x /* nested */ TABLE */ MACRO m2() AS 1", "DROP MACRO sx.twice", "DROP FUNCTION sx.twice",
		"CREATE TEMP TABLE tt (a INTEGER)", "CREATE OR REPLACE TEMPORARY VIEW tv AS SELECT 1",
		"CREATE TEMP MACRO tm() AS 1", "DROP DATABASE test", "ALTER DATABASE test RENAME TO t2",
		"COMMENT ON MACRO sx.twice IS 'x'",
		// a statement that starts like a write but is not one
		"UPDATE EXTENSIONS (httpfs)",
		// denied functions (a write is refused as soon as it mentions one)
		"INSERT INTO items SELECT 20, 'x', 1 FROM query('SELECT 1')",
		"CREATE VIEW lv AS SELECT * FROM enable_logging()",
		"CREATE TABLE lt AS SELECT * FROM \"enable_profiling\" /* */ ()",
		// a DROP SCHEMA that would take a macro with it: the catalog guard
		"DROP SCHEMA sx CASCADE",
	}
	cases := map[string]source.Kind{
		"": source.KindSyntax, "  -- nothing": source.KindSyntax,
		"INSERT INTO items VALUES (20, 'unterminated, 1)": source.KindSyntax,
		"INSERT INTO items VALUES ($1, 'a', 1)":           source.KindSyntax,
		"INSERT INTO items VALUES (20, 'a', 1)\x00":       source.KindSyntax,
		// the sandbox holds inside writes
		"INSERT INTO items SELECT 20, content, 0 FROM read_text('/etc/passwd')": source.KindSandbox,
		"CREATE TABLE pw AS SELECT * FROM read_csv('/etc/passwd')":              source.KindSandbox,
		"INSERT INTO items SELECT * FROM read_csv('" + out + "/../x.csv')":      source.KindSandbox,
		"INSERT INTO items SELECT * FROM read_csv('" + files + "/../../etc/x')": source.KindSandbox,
	}
	for _, q := range unsupported {
		cases[q] = source.KindUnsupported
	}
	for q, kind := range cases {
		t.Run(q, func(t *testing.T) {
			change, ok, err := w.Write(t.Context(), q, source.Limits{}, neverConfirm(t))
			if source.KindOf(err) != kind || ok || change.Tag != "" {
				t.Fatalf("Write: %v (kind %s), committed %v, change %+v; want kind %s",
					err, source.KindOf(err), ok, change, kind)
			}
			if e := err.(*source.Error); e.Message == "" {
				t.Errorf("empty message")
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
	if entries, _ := os.ReadDir(files); len(entries) != 1 {
		t.Errorf("files dir: %v", entries)
	}
	got := mustQuery(t, w, `SELECT current_setting('lock_configuration'), current_setting('enable_external_access'),
		current_setting('threads')`)
	if sprint(got.Rows) != "[[true false 2]]" {
		t.Errorf("settings after the attempts: %v", got.Rows)
	}
	// A managed file may be read into a table.
	yes, _ := answer(true, nil)
	if c, _, err := w.Write(t.Context(), "INSERT INTO items SELECT * FROM read_csv('"+csv+"')", source.Limits{}, yes); err != nil || c.Tag != "INSERT 1" {
		t.Errorf("insert from the files directory: %v %+v", err, c)
	}
	if _, _, err := w.Write(t.Context(), "DELETE FROM items WHERE id = 7", source.Limits{}, yes); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if diff := cmp.Diff(before, snapshot(t, path)); diff != "" {
		t.Errorf("the file changed (-before +after):\n%s", diff)
	}
}

func TestWriteRefusalMessages(t *testing.T) {
	w := openWriter(t, makeDB(t, writeFixture), Config{})
	for q, want := range map[string]string{
		"BEGIN":                       "its own transaction",
		"CREATE MACRO abs(a) AS a":    "built-in function",
		"CREATE TEMP TABLE x (a INT)": "temporary",
		"SELECT 1":                    "run it as a query",
		"COPY items TO 'x.csv'":       "files",
		"DROP SCHEMA sx CASCADE":      "macros",
		"INSERT INTO items VALUES (1, 'a', 1); COMMIT": "one statement per call",
	} {
		_, _, err := w.Write(t.Context(), q, source.Limits{}, neverConfirm(t))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Write(%q): %v, want a message containing %q", q, err, want)
		}
	}
}

func TestWriteOnReadOnlySource(t *testing.T) {
	path := makeDB(t, writeFixture)
	s := openSource(t, Config{Path: path})
	_, ok, err := s.Write(t.Context(), "INSERT INTO items VALUES (20, 'a', 1)", source.Limits{}, neverConfirm(t))
	if source.KindOf(err) != source.KindReadOnly || ok || err.Error() != "this connection is read-only" {
		t.Fatalf("Write on a read-only source: %v (kind %s)", err, source.KindOf(err))
	}
	if n := scalar(t, s, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("items: %v", n)
	}
}

// TestQueryOnWritableSource: a read-write file still answers queries only
// with reads, even SELECTs that would change something.
func TestQueryOnWritableSource(t *testing.T) {
	path := makeDB(t, writeFixture)
	before := snapshot(t, path)
	w := openWriter(t, path, Config{})
	for _, q := range []string{
		"INSERT INTO items VALUES (20, 'a', 1)", "DELETE FROM items", "CREATE TABLE x (a INTEGER)",
		"DROP TABLE items", "SELECT nextval('seq')", "SELECT * FROM items WHERE nextval('seq') > 0",
		"MERGE INTO items USING (SELECT 1 AS id) v ON items.id = v.id WHEN MATCHED THEN DELETE",
	} {
		e := wantKind(t, w, q, source.KindReadOnly)
		if strings.HasPrefix(q, "INSERT") && !strings.Contains(e.Message, "confirmed write") {
			t.Errorf("Query(%q): %q; the file is writable, the message should point to writes", q, e.Message)
		}
	}
	wantKind(t, w, "SET threads = 4", source.KindUnsupported)
	wantKind(t, w, "SELECT * FROM read_csv('/etc/passwd')", source.KindSandbox)
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("items: %v", n)
	}
	if _, err := w.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	// While a write waits for confirmation, queries see the data before it.
	var during any
	confirm := func(ctx context.Context, _ source.Change) (bool, error) {
		during = scalar(t, w, "SELECT count(*) FROM items")
		return false, nil
	}
	if _, _, err := w.Write(t.Context(), "DELETE FROM items", source.Limits{}, confirm); err != nil {
		t.Fatal(err)
	}
	if during != int64(5) {
		t.Errorf("a query during confirmation saw %v items", during)
	}
	w.Close()
	if diff := cmp.Diff(before, snapshot(t, path)); diff != "" {
		t.Errorf("the file changed (-before +after):\n%s", diff)
	}
}

// TestSandboxHoldsOnWritable runs SQL on the pool directly, past Write's
// checks: DuckDB's settings stop file access and setting changes on a
// read-write file too.
func TestSandboxHoldsOnWritable(t *testing.T) {
	out := t.TempDir()
	w := openWriter(t, makeDB(t, writeFixture), Config{FilesDir: t.TempDir()})
	for q, want := range map[string]string{
		"SELECT * FROM read_csv('/etc/passwd')":      "disabled by configuration",
		"COPY items TO '" + out + "/x.csv'":          "disabled by configuration",
		"EXPORT DATABASE '" + out + "/exp'":          "disabled by configuration",
		"ATTACH '" + out + "/y.duckdb' AS y":         "disabled by configuration",
		"INSTALL httpfs":                             "disabled by configuration",
		"CREATE PERSISTENT SECRET s (TYPE s3)":       "",
		"SET enable_external_access = true":          "configuration has been locked",
		"SET allowed_directories = ['/']":            "configuration has been locked",
		"RESET lock_configuration":                   "configuration has been locked",
		"SET autoinstall_known_extensions = true":    "configuration has been locked",
		"INSERT INTO items VALUES (20, 'direct', 1)": "-",
	} {
		_, err := w.db.ExecContext(t.Context(), q)
		switch {
		case want == "-" && err != nil:
			t.Errorf("%s: %v", q, err)
		case want == "" && err == nil, want != "-" && want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: error %v, want one containing %q", q, err, want)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}
