package files

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		file, content string
		hint          Format
		want          Format
	}{
		{"a.csv", "a,b\n1,2\n", "", CSV},
		{"a", "a,b\n1,2\n", "", CSV},
		{"a", "a\tb\n1\t2\n", "", TSV},
		{"a", "a;b\n1;2\n", "", CSV},
		{"a", "  [{\"a\":1}]", "", JSON},
		{"a", "{\"a\":1}\n{\"a\":2}\n", "", NDJSON},
		{"a", "{\"a\":\n1}", "", JSON},
		{"a.jsonl", "{\"a\":1}", "", NDJSON},
		{"a.txt", "x\n", "", CSV},
		{"a.csv", "{\"a\":1}\n{\"a\":2}\n", "", CSV},        // the name wins over text sniffing
		{"a.csv", "{\"a\":1}\n{\"a\":2}\n", NDJSON, NDJSON}, // the hint wins over the name
		{"a.dat", "PAR1\x00\x00", "", Parquet},
		{"a.csv", "PAR1\x00\x00", "", Parquet}, // content wins over the name
	} {
		p := put(t, dir, c.file, []byte(c.content))
		got, err := Detect(t.Context(), p, c.hint)
		if err != nil || got != c.want {
			t.Errorf("Detect(%s, %q, hint %q) = %q, %v; want %q", c.file, c.content, c.hint, got, err, c.want)
		}
	}
	p := put(t, dir, "x.gz", gz(t, "[{\"a\":1}]"))
	if got, err := Detect(t.Context(), p, ""); err != nil || got != JSON+".gz" {
		t.Errorf("gzip json: %q, %v", got, err)
	}
	empty := put(t, dir, "empty.csv", nil)
	if _, err := Detect(t.Context(), empty, ""); !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty: %v", err)
	}
	if _, err := Detect(t.Context(), put(t, dir, "p.parquet", []byte("PAR1")), CSV); !errors.Is(err, ErrBadFile) {
		t.Errorf("parquet with csv hint: %v", err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{
		"": "", "CSV": CSV, ".csv.gz": CSV + ".gz", "jsonl": NDJSON, "tsv": TSV, "pq": Parquet, "json.gz": JSON + ".gz",
	} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"xlsx", "parquet.gz"} {
		if _, err := ParseFormat(bad); err == nil {
			t.Errorf("ParseFormat(%q) accepted", bad)
		}
	}
}

// TestEscaping puts single and double quotes in the managed directory and
// in column names: every literal in the read expression must be escaped.
func TestEscaping(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `it's "managed"`)
	e := openEngine(t, dir)
	a, err := e.Ingest(t.Context(), Source{Content: "it's,o'k; x\n1,2\n", Name: "q.csv"}, nil, 0, nil)
	must(t, err)
	want := []Column{{"it's", "BIGINT"}, {"o'k; x", "BIGINT"}}
	if len(a.Columns) != 2 || a.Columns[0] != want[0] || a.Columns[1] != want[1] {
		t.Fatalf("columns %v", a.Columns)
	}
	_, err = e.db.ExecContext(t.Context(), ViewSQL(`we"ird`, a.ReadExpr))
	must(t, err)
	var sum int
	must(t, e.db.QueryRowContext(t.Context(), `SELECT "it's" + "o'k; x" FROM "we""ird"`).Scan(&sum))
	if sum != 3 {
		t.Fatalf("sum = %d", sum)
	}
}

func TestInspectCanceled(t *testing.T) {
	dir := t.TempDir()
	e := openEngine(t, dir)
	st, err := StoreText(t.Context(), salesCSV, dir, CSV, 0)
	must(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = e.Inspect(ctx, st.Path, CSV)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := e.Ingest(ctx, Source{Content: salesCSV}, nil, 0, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ingest err = %v", err)
	}
}

func TestSanitizeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sales.csv", "sales"},
		{"Sales Q1 (2024).CSV", "sales_q1_2024"},
		{"/home/me/data/orders.csv.gz", "orders"},
		{"events.ndjson", "events"},
		{"report.v2.parquet", "report_v2"},
		{"2024-sales.csv", "f_2024_sales"},
		{"ünïcødé.json", "n_c_d"},
		{"...csv", "file"},
		{"", "file"},
		{"--.csv", "file"},
		{"a__b--c.tsv", "a__b_c"},
		{`C:\Users\me\x.csv`, "x"},
		{strings.Repeat("a", 80) + ".csv", strings.Repeat("a", 63)},
	} {
		if got := SanitizeName(c.in); got != c.want {
			t.Errorf("SanitizeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUnique(t *testing.T) {
	taken := map[string]bool{"sales": true, "sales_2": true, "x": false}
	has := func(s string) bool { return taken[s] }
	if got := Unique("orders", has); got != "orders" {
		t.Errorf("free name: got %q", got)
	}
	if got := Unique("sales", has); got != "sales_3" {
		t.Errorf("taken twice: got %q, want sales_3", got)
	}
	long := strings.Repeat("b", 63)
	taken[long] = true
	got := Unique(long, has)
	if want := strings.Repeat("b", 61) + "_2"; got != want {
		t.Errorf("long: got %q, want %q", got, want)
	}
}
