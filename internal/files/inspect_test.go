package files

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iopsdata/iopsdata/internal/catalog"
)

func openEngine(t *testing.T, dir string) *Engine {
	t.Helper()
	e, err := Open(t.Context(), dir)
	must(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	must(t, err)
	must(t, w.Close())
	return b.Bytes()
}

// writeParquet writes a Parquet file with a test-only DuckDB that is not
// sandboxed.
func writeParquet(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	must(t, err)
	defer db.Close()
	_, err = db.ExecContext(t.Context(), "COPY (SELECT range AS id, 'n' || range AS name, "+
		"DATE '2024-01-01' + range::INTEGER AS day FROM range(1000)) TO "+quoteString(path)+" (FORMAT parquet)")
	must(t, err)
}

const salesCSV = "id,name,amount,day\n1,alice,10.5,2024-01-31\n2,bob,,2024-02-29\n3,\"carol, c\",7.25,2024-03-01\n"

func cols(nameTypes ...string) []Column {
	var c []Column
	for i := 0; i+1 < len(nameTypes); i += 2 {
		c = append(c, Column{Name: nameTypes[i], Type: nameTypes[i+1]})
	}
	return c
}

func TestIngestFormats(t *testing.T) {
	src := t.TempDir()
	put := func(name string, data []byte) string { return put(t, src, name, data) }
	writeParquet(t, filepath.Join(src, "points.parquet"))
	manyInts := "n\n" + strings.Repeat("7\n", 30000) + "abc\n"
	for _, c := range []struct {
		name    string
		src     Source
		format  Format
		rows    int64
		columns []Column
	}{
		{"csv header", Source{Content: salesCSV, Name: "sales.csv"}, CSV, 3,
			cols("id", "BIGINT", "name", "VARCHAR", "amount", "DOUBLE", "day", "DATE")},
		{"csv no header", Source{Content: "1,2.5,x\n2,3.5,y\n3,4.5,z\n"}, CSV, 3,
			cols("column0", "BIGINT", "column1", "DOUBLE", "column2", "VARCHAR")},
		{"semicolon and day-first dates", Source{Content: "id;day\n1;31/01/2024\n2;15/02/2024\n3;01/03/2024\n"}, CSV, 3,
			cols("id", "BIGINT", "day", "DATE")},
		{"tsv", Source{Content: "id\tname\n1\ta\n2\tb\n", Format: "tsv"}, TSV, 2,
			cols("id", "BIGINT", "name", "VARCHAR")},
		{"tsv detected", Source{Path: put("t.tsv", []byte("id\tname\n1\ta\n2\tb\n"))}, TSV, 2,
			cols("id", "BIGINT", "name", "VARCHAR")},
		{"quoted newlines", Source{Content: "id,note\n1,\"line one\nline two\"\n2,\"say \"\"hi\"\"\"\n"}, CSV, 2,
			cols("id", "BIGINT", "note", "VARCHAR")},
		{"stray quote inside a field", Source{Content: "id,item\n1,5\" screen\n2,plain\n"}, CSV, 2,
			cols("id", "BIGINT", "item", "VARCHAR")},
		{"quoted numbers", Source{Content: "\"id\",\"n\"\n\"1\",\"2.5\"\n\"2\",\"3\"\n"}, CSV, 2,
			cols("id", "BIGINT", "n", "DOUBLE")},
		{"timestamps", Source{Content: "ts,v\n2024-01-01 10:00:00,1\n2024-01-02 11:30:00,2\n"}, CSV, 2,
			cols("ts", "TIMESTAMP", "v", "BIGINT")},
		{"type change after the sample", Source{Content: manyInts}, CSV, 30001, cols("n", "VARCHAR")},
		{"csv.gz", Source{Path: put("sales.csv.gz", gz(t, salesCSV))}, CSV + ".gz", 3,
			cols("id", "BIGINT", "name", "VARCHAR", "amount", "DOUBLE", "day", "DATE")},
		{"parquet", Source{Path: filepath.Join(src, "points.parquet")}, Parquet, 1000,
			cols("id", "BIGINT", "name", "VARCHAR", "day", "DATE")},
		{"json array", Source{Content: `[{"id":1,"name":"a","tags":["x"]},{"id":2,"name":"b","tags":[]}]`}, JSON, 2,
			cols("id", "BIGINT", "name", "VARCHAR", "tags", "VARCHAR[]")},
		{"ndjson", Source{Content: "{\"id\":1,\"ok\":true,\"at\":\"2024-01-01\"}\n{\"id\":2,\"ok\":false,\"at\":\"2024-01-02\"}\n{\"id\":3,\"ok\":null,\"at\":\"2024-01-03\"}\n"}, NDJSON, 3,
			cols("id", "BIGINT", "ok", "BOOLEAN", "at", "DATE")},
		{"ndjson.gz", Source{Path: put("e.jsonl.gz", gz(t, "{\"a\":1}\n{\"a\":2}\n"))}, NDJSON + ".gz", 2,
			cols("a", "BIGINT")},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			e := openEngine(t, dir)
			a, err := e.Ingest(t.Context(), c.src, []string{src}, 0, nil)
			must(t, err)
			if a.Format != c.format || a.Rows != c.rows {
				t.Errorf("format %s rows %d, want %s %d", a.Format, a.Rows, c.format, c.rows)
			}
			if d := cmp.Diff(c.columns, a.Columns); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
			// The read expression works as a view inside the sandbox.
			_, err = e.db.ExecContext(t.Context(), ViewSQL(a.Name, a.ReadExpr))
			must(t, err)
			var n int64
			must(t, e.db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+catalog.QuoteAlways(a.Name)).Scan(&n))
			if n != c.rows {
				t.Errorf("view has %d rows, want %d", n, c.rows)
			}
			if a.Options.Expr(a.Path) != a.ReadExpr {
				t.Errorf("Options.Expr does not rebuild ReadExpr")
			}
		})
	}
}

func TestQuotedValuesRoundTrip(t *testing.T) {
	e := openEngine(t, t.TempDir())
	a, err := e.Ingest(t.Context(), Source{Content: "id,note\n1,\"line one\nline two\"\n2,\"say \"\"hi\"\"\"\n", Name: "it's.csv"}, nil, 0, nil)
	must(t, err)
	if a.Name != "it_s" || !strings.Contains(a.ReadExpr, `quote='"'`) {
		t.Fatalf("asset %+v", a)
	}
	_, err = e.db.ExecContext(t.Context(), ViewSQL(a.Name, a.ReadExpr))
	must(t, err)
	var notes string
	must(t, e.db.QueryRowContext(t.Context(), "SELECT string_agg(note, '|' ORDER BY id) FROM "+catalog.QuoteAlways(a.Name)).Scan(&notes))
	if notes != "line one\nline two|say \"hi\"" {
		t.Fatalf("notes = %q", notes)
	}
}

func TestIngestBadFiles(t *testing.T) {
	src := t.TempDir()
	junk := put(t, src, "junk.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"))
	csvAsParquet := put(t, src, "fake.parquet", []byte("a,b\n1,2\n"))
	for _, c := range []struct {
		name string
		src  Source
		has  []string
	}{
		{"unterminated quote", Source{Content: "a,b\n1,2\n3,\"oops\n4,5\n6,7\n"}, []string{"line 3", "unterminated quote"}},
		{"binary junk labelled csv", Source{Path: junk}, []string{"csv", "binary data"}},
		{"invalid json", Source{Content: "[{\"a\":1},\n{\"a\":2,,}]"}, []string{"json", "Malformed JSON"}},
		{"invalid ndjson", Source{Content: "{\"a\":1}\n{\"a\":2}\n{\"a\":3,,}\n{\"a\":4}\n", Format: "ndjson"}, []string{"ndjson", "line 3"}},
		{"csv named parquet", Source{Path: csvAsParquet}, []string{"not Parquet"}},
		{"parquet hint on text", Source{Content: "a,b\n1,2\n", Format: "parquet"}, []string{"not Parquet"}},
		{"gzip hint on plain text", Source{Content: "a,b\n1,2\n", Format: "csv.gz"}, []string{"not gzip"}},
		{"json scalar", Source{Content: "[1, 2, 3]"}, []string{"no JSON objects"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			e := openEngine(t, dir)
			_, err := e.Ingest(t.Context(), c.src, []string{src}, 0, nil)
			if !errors.Is(err, ErrBadFile) {
				t.Fatalf("err = %v, want a bad file error", err)
			}
			for _, h := range c.has {
				if !strings.Contains(err.Error(), h) {
					t.Errorf("error %q does not mention %q", err, h)
				}
			}
			if strings.Contains(err.Error(), dir) {
				t.Errorf("error shows the managed directory: %v", err)
			}
			if got := entries(t, dir); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
			t.Log(err)
		})
	}
}

func TestEmptyContentRefused(t *testing.T) {
	e := openEngine(t, t.TempDir())
	if _, err := e.Ingest(t.Context(), Source{}, nil, 0, nil); err == nil {
		t.Fatal("no source accepted")
	}
}

func TestSandboxRefusesOtherPaths(t *testing.T) {
	e := openEngine(t, t.TempDir())
	other := put(t, t.TempDir(), "x.csv", []byte("a\n1\n"))
	var n int
	err := e.db.QueryRowContext(t.Context(), "SELECT count(*) FROM read_csv("+quoteString(other)+")").Scan(&n)
	if err == nil {
		t.Fatal("sandboxed engine read a file outside the managed directory")
	}
	if _, err := e.db.ExecContext(t.Context(), "SET enable_external_access = true"); err == nil {
		t.Fatal("configuration is not locked")
	}
	if _, err := e.Inspect(t.Context(), other, CSV); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("Inspect outside: %v", err)
	}
}

func TestNameCollision(t *testing.T) {
	e := openEngine(t, t.TempDir())
	taken := func(s string) bool { return s == "sales" }
	a, err := e.Ingest(t.Context(), Source{Content: salesCSV, Name: "Sales.csv"}, nil, 0, taken)
	must(t, err)
	if a.Name != "sales_2" || a.Requested != "sales" {
		t.Fatalf("name %q requested %q", a.Name, a.Requested)
	}
}

func put(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.WriteFile(p, data, 0o644))
	return p
}

func TestIngestNamesManagedCopy(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	a, err := e.Ingest(t.Context(), Source{Content: "{\"a\":1}\n{\"a\":2}\n"}, nil, 0, nil)
	must(t, err)
	if filepath.Base(a.Path) != a.SHA256+".ndjson" || a.Existed || a.Name != "file" {
		t.Fatalf("asset %+v", a)
	}
	b, err := e.Ingest(t.Context(), Source{Content: "{\"a\":1}\n{\"a\":2}\n", Name: "events"}, nil, 0, nil)
	must(t, err)
	if b.Path != a.Path || !b.Existed {
		t.Fatalf("second asset %+v", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("dir holds %v", got)
	}
	must(t, e.Remove(a.Path, true))
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("removed a file still in use: %v", got)
	}
	must(t, e.Remove(a.Path, false))
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("not removed: %v", got)
	}
	if err := e.Remove("/etc/passwd", false); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("Remove outside: %v", err)
	}
}
