package duckdb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source"
)

// writeFixture is the database behind the write tests: five items, a
// sequence, and a schema holding a macro.
const writeFixture = `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR, qty INTEGER);
INSERT INTO items SELECT range, 'item' || range, range * 10 FROM range(1, 6);
CREATE SEQUENCE seq;
CREATE SCHEMA sx;
CREATE MACRO sx.twice(a) AS a * 2;`

// copyDB copies the database file at src into a fresh directory.
func copyDB(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy.duckdb")
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

// openWriter opens path read-write with cfg's other fields.
func openWriter(t testing.TB, path string, cfg Config) *Source {
	t.Helper()
	cfg.Path, cfg.ReadWrite = path, true
	return openSource(t, cfg)
}

// answer returns a Confirm that records the change it is shown and
// answers ok, err.
func answer(ok bool, err error) (source.Confirm, *[]source.Change) {
	var seen []source.Change
	return func(_ context.Context, c source.Change) (bool, error) {
		seen = append(seen, c)
		return ok, err
	}, &seen
}

// neverConfirm fails the test when a write gets as far as confirmation.
func neverConfirm(t *testing.T) source.Confirm {
	return func(context.Context, source.Change) (bool, error) {
		t.Errorf("confirm called")
		return false, nil
	}
}

// catalogSQL lists the catalog, with comments, one line per object.
const catalogSQL = `SELECT string_agg(x, chr(10) ORDER BY x) FROM (
  SELECT 'table ' || schema_name || '.' || table_name || ' ' || sql || ' -- ' || coalesce(comment, '') AS x
    FROM duckdb_tables() WHERE NOT internal
  UNION ALL SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' -- ' || coalesce(comment, '')
    FROM duckdb_columns() WHERE NOT internal
  UNION ALL SELECT 'view ' || schema_name || '.' || view_name || ' ' || sql FROM duckdb_views() WHERE NOT internal
  UNION ALL SELECT 'index ' || index_name || ' ' || coalesce(sql, '') FROM duckdb_indexes()
  UNION ALL SELECT 'sequence ' || sequence_name FROM duckdb_sequences()
  UNION ALL SELECT 'schema ' || schema_name FROM duckdb_schemas() WHERE NOT internal
  UNION ALL SELECT 'type ' || type_name FROM duckdb_types() WHERE NOT internal AND database_name <> 'temp'
  UNION ALL SELECT 'macro ' || schema_name || '.' || function_name FROM duckdb_functions() WHERE NOT internal)`

// snapshot describes the file's catalog and the rows of items from a
// fresh read-only Source; the writer must be closed first.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	s, err := Open(t.Context(), Config{Path: path})
	if err != nil {
		t.Fatalf("reopen read-only: %v", err)
	}
	defer s.Close()
	return snapshotOf(t, s)
}

func snapshotOf(t *testing.T, s *Source) string {
	t.Helper()
	out := sprint(scalar(t, s, catalogSQL))
	if scalar(t, s, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'items'") == int64(1) {
		out += "\n" + toJSON(t, mustQuery(t, s, "SELECT * FROM items ORDER BY id").Rows)
	}
	return out
}

func TestWriteCommitsOrRollsBack(t *testing.T) {
	cases := []struct {
		sql, tag    string
		rows        int64
		check, want string // on the committed file
	}{
		{"INSERT INTO items VALUES (10, 'a', 1), (11, 'b', 2), (12, 'c', 3)", "INSERT 3", 3,
			"SELECT count(*) FROM items", "8"},
		{"WITH n AS (SELECT 42 AS id) INSERT INTO items SELECT id, 'n', 0 FROM n", "INSERT 1", 1,
			"SELECT name FROM items WHERE id = 42", "n"},
		{"INSERT OR REPLACE INTO items VALUES (1, 'new', 0)", "INSERT 1", 1,
			"SELECT name FROM items WHERE id = 1", "new"},
		{"UPDATE items SET qty = qty + 1 WHERE id <= 2", "UPDATE 2", 2, "SELECT sum(qty) FROM items", "152"},
		{"DELETE FROM items WHERE id > 3", "DELETE 2", 2, "SELECT count(*) FROM items", "3"},
		{"TRUNCATE items", "DELETE 5", 5, "SELECT count(*) FROM items", "0"},
		// MERGE also pins stmtMergeInto: planWrite refuses it if DuckDB reports another type.
		{`MERGE INTO items USING (VALUES (1, 'x', 0), (9, 'y', 0)) AS v(id, name, qty) ON items.id = v.id
		  WHEN MATCHED THEN UPDATE SET name = v.name WHEN NOT MATCHED THEN INSERT VALUES (v.id, v.name, v.qty)`,
			"MERGE 2", 2, "SELECT string_agg(name, ',' ORDER BY id) FROM items WHERE id IN (1, 9)", "x,y"},
		{"CREATE TABLE t2 (a INTEGER)", "CREATE TABLE", -1, "SELECT count(*) FROM t2", "0"},
		{"create table if not exists t3 as select * from items", "CREATE TABLE", 5, "SELECT count(*) FROM t3", "5"},
		{"CREATE OR REPLACE VIEW v AS SELECT id FROM items", "CREATE VIEW", -1, "SELECT count(*) FROM v", "5"},
		{"CREATE SCHEMA s2", "CREATE SCHEMA", -1,
			"SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 's2'", "1"},
		{"CREATE UNIQUE INDEX items_name ON items (name)", "CREATE INDEX", -1,
			"SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'items_name'", "1"},
		{"CREATE SEQUENCE s3 START 7", "CREATE SEQUENCE", -1,
			"SELECT start_value FROM duckdb_sequences() WHERE sequence_name = 's3'", "7"},
		{"CREATE TYPE mood AS ENUM ('up', 'down')", "CREATE TYPE", -1, "SELECT 'up'::mood", "up"},
		{"ALTER TABLE items ADD COLUMN note VARCHAR", "ALTER TABLE", -1,
			"SELECT count(*) FROM duckdb_columns() WHERE column_name = 'note'", "1"},
		{"/* tidy */ DROP TABLE items", "DROP TABLE", -1,
			"SELECT count(*) FROM duckdb_tables() WHERE table_name = 'items'", "0"},
		{"COMMENT ON COLUMN items.qty IS 'units'", "COMMENT", -1,
			"SELECT comment FROM duckdb_columns() WHERE column_name = 'qty'", "units"},
	}
	errConfirm := errors.New("elicitation failed")
	answers := []struct {
		name   string
		ok     bool
		err    error
		cancel bool // cancel ctx during confirm, then say yes
		kind   source.Kind
	}{
		{name: "yes", ok: true},
		{name: "no"},
		{name: "error", ok: true, err: errConfirm, kind: source.KindOther},
		{name: "canceled", ok: true, cancel: true, kind: source.KindCanceled},
	}
	fixture := makeDB(t, writeFixture)
	before := snapshot(t, fixture)
	for _, c := range cases {
		for _, a := range answers {
			t.Run(a.name+"/"+c.sql, func(t *testing.T) {
				path := copyDB(t, fixture)
				w := openWriter(t, path, Config{})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				var shown []source.Change
				confirm := func(ctx context.Context, ch source.Change) (bool, error) {
					shown = append(shown, ch)
					if a.cancel {
						cancel()
						<-ctx.Done()
					}
					return a.ok, a.err
				}
				change, committed, err := w.Write(ctx, c.sql, source.Limits{}, confirm)
				if a.kind == "" && err != nil || a.kind != "" && source.KindOf(err) != a.kind {
					t.Fatalf("Write: %v (kind %s), want kind %q", err, source.KindOf(err), a.kind)
				}
				if a.err != nil && !errors.Is(err, a.err) {
					t.Errorf("Write: %v, want the confirm error", err)
				}
				if committed != (a.name == "yes") {
					t.Errorf("committed = %v", committed)
				}
				if len(shown) != 1 || change.Tag != c.tag || change.RowsAffected != c.rows ||
					shown[0].Tag != c.tag || change.Returning != nil || change.Elapsed <= 0 {
					t.Errorf("change %+v (shown %+v), want tag %q, rows %d", change, shown, c.tag, c.rows)
				}
				w.Close()
				r := openSource(t, Config{Path: path})
				after := snapshotOf(t, r)
				if committed {
					if after == before {
						t.Errorf("committed, but the file did not change")
					}
					if got := sprint(scalar(t, r, c.check)); got != c.want {
						t.Errorf("%s = %s, want %s", c.check, got, c.want)
					}
				} else if diff := cmp.Diff(before, after); diff != "" {
					t.Errorf("rolled back, but the file changed (-before +after):\n%s", diff)
				}
			})
		}
	}
}

func TestWriteReturning(t *testing.T) {
	path := makeDB(t, writeFixture)
	w := openWriter(t, path, Config{})
	yes, _ := answer(true, nil)
	ctx := t.Context()

	change, ok, err := w.Write(ctx, "INSERT INTO items SELECT range, 'r' || range, 0 FROM range(100, 150) RETURNING id, name",
		source.Limits{MaxRows: 10}, yes)
	if err != nil || !ok {
		t.Fatalf("Write: %v, committed %v", err, ok)
	}
	r := change.Returning
	if change.Tag != "INSERT 50" || change.RowsAffected != 50 || r == nil || len(r.Rows) != 10 ||
		!r.Truncated || r.TruncatedBy != source.TruncatedRows || toJSON(t, r.Rows[0]) != `[100,"r100"]` {
		t.Fatalf("capped by rows: %+v %+v", change, r)
	}
	if want := []source.Column{{Name: "id", Type: "INTEGER"}, {Name: "name", Type: "VARCHAR"}}; !cmp.Equal(r.Columns, want) {
		t.Errorf("columns %v", r.Columns)
	}
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(55) {
		t.Errorf("items after insert: %v", n)
	}

	change, _, err = w.Write(ctx, "DELETE FROM items WHERE id >= 100 RETURNING *", source.Limits{MaxBytes: 100}, yes)
	r = change.Returning
	if err != nil || change.RowsAffected != 50 || r == nil || !r.Truncated ||
		r.TruncatedBy != source.TruncatedBytes || len(r.Rows) == 0 || r.Bytes > 100 {
		t.Fatalf("capped by bytes: %v %+v %+v", err, change, r)
	}

	// RETURNING one BIGINT column named Count looks like a plain row count.
	change, _, err = w.Write(ctx, `UPDATE items SET qty = 7 WHERE id <= 3 RETURNING id::BIGINT AS "Count"`, source.Limits{}, yes)
	if err != nil || change.RowsAffected != 3 || change.Tag != "UPDATE 3" || change.Returning == nil ||
		toJSON(t, change.Returning.Rows) != "[[1],[2],[3]]" {
		t.Fatalf(`RETURNING "Count": %v %+v`, err, change)
	}

	// Values are encoded exactly as Query encodes them.
	const values = `1.50::DECIMAL(5,2) AS d, DATE '2024-01-02' AS day, {'a': [1, 2]} AS s,
		'{"k": 1}'::JSON AS j, 12345678901234567890::HUGEINT AS h`
	change, _, err = w.Write(ctx, "UPDATE items SET qty = 8 WHERE id = 1 RETURNING id, "+values, source.Limits{}, yes)
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, w, "SELECT 1 AS id, "+values)
	if diff := cmp.Diff(toJSON(t, q.Rows), toJSON(t, change.Returning.Rows)); diff != "" {
		t.Errorf("RETURNING encoding differs from Query (-query +write):\n%s", diff)
	}
	if !cmp.Equal(q.Columns, change.Returning.Columns) {
		t.Errorf("columns %v, want %v", change.Returning.Columns, q.Columns)
	}

	// Declined: the rows were shown, nothing stays.
	no, _ := answer(false, nil)
	change, ok, err = w.Write(ctx, "DELETE FROM items RETURNING id", source.Limits{}, no)
	if err != nil || ok || change.RowsAffected != 5 || len(change.Returning.Rows) != 5 {
		t.Fatalf("declined: %v %v %+v", err, ok, change)
	}
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("items after a declined delete: %v", n)
	}
}

func TestWriteTimeoutRollsBack(t *testing.T) {
	path := makeDB(t, writeFixture)
	before := snapshot(t, path)
	w := openWriter(t, path, Config{})
	start := time.Now()
	_, ok, err := w.Write(t.Context(), "INSERT INTO items SELECT 100 + count(*)::INT, 'x', 0 FROM range(1000000000000)",
		source.Limits{Timeout: 200 * time.Millisecond}, neverConfirm(t))
	if source.KindOf(err) != source.KindTimeout || ok || time.Since(start) > 10*time.Second {
		t.Fatalf("Write: %v (kind %s) after %s", err, source.KindOf(err), time.Since(start))
	}
	// A failing statement (duplicate key) rolls back too.
	_, ok, err = w.Write(t.Context(), "INSERT INTO items VALUES (6, 'fine', 0), (1, 'dup', 0)", source.Limits{}, neverConfirm(t))
	if err == nil || ok {
		t.Fatalf("duplicate key: %v %v", err, ok)
	}
	// The connection is usable afterwards, and confirm still gets a say.
	yes, _ := answer(true, nil)
	if _, ok, err := w.Write(t.Context(), "UPDATE items SET qty = 0 WHERE id = 99", source.Limits{}, yes); err != nil || !ok {
		t.Fatalf("write after failures: %v %v", err, ok)
	}
	w.Close()
	if diff := cmp.Diff(before, snapshot(t, path)); diff != "" {
		t.Errorf("the file changed:\n%s", diff)
	}
}
