package tools

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/mark3labs/mcp-go/mcp"
)

// upload calls upload_file and decodes its structured output.
func (e *env) upload(t *testing.T, args map[string]any) UploadFileOut {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = "upload_file"
	req.Params.Arguments = args
	res, err := e.c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("upload_file(%v): %v", keys(args), res.Content)
	}
	var out UploadFileOut
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k, v := range m {
		if s, ok := v.(string); ok && len(s) < 80 {
			out = append(out, k+"="+s)
		} else {
			out = append(out, k)
		}
	}
	return out
}

// managedFiles lists the stored copies (not views files or temporaries).
func (e *env) managedFiles(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(e.home, "files"))
	var out []string
	for _, de := range entries {
		if !strings.HasPrefix(de.Name(), ".") {
			out = append(out, de.Name())
		}
	}
	return out
}

const salesCSV = "id,region,amount\n1,north,10.5\n2,south,20\n3,north,4.5\n"

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestUploadEveryFormat(t *testing.T) {
	root := t.TempDir()
	e := newEnvWith(t, envOptions{filesRoots: []string{root}})
	write := func(name string, data []byte) string {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	regions := "region,manager\nnorth,ann\nsouth,bob\n"
	cases := []struct {
		args   map[string]any
		format string
		rows   int64
	}{
		{map[string]any{"name": "sales", "content": salesCSV}, "csv", 3},
		{map[string]any{"name": "tabs", "content": "a\tb\n1\tx\n2\ty\n"}, "tsv", 2},
		{map[string]any{"name": "arr", "content": `[{"a":1,"b":"x"},{"a":2,"b":"y"}]`}, "json", 2},
		{map[string]any{"name": "lines", "content": "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"}, "ndjson", 3},
		{map[string]any{"path": write("regions.csv", []byte(regions))}, "csv", 2},
		{map[string]any{"path": write("zipped.csv.gz", gz(t, salesCSV))}, "csv.gz", 3},
		{map[string]any{"name": "b64", "format": "ndjson.gz", "content_base64": base64.StdEncoding.EncodeToString(gz(t, "{\"a\":1}\n"))}, "ndjson.gz", 1},
	}
	for _, c := range cases {
		out := e.upload(t, c.args)
		if out.Format != c.format || out.Rows != c.rows || len(out.Columns) == 0 || out.Bytes == 0 || len(out.SHA256) != 64 {
			t.Errorf("%v: %+v", keys(c.args), out)
		}
	}
	// Parquet: made by DuckDB from an uploaded file, then uploaded by path.
	pq := filepath.Join(root, "sales.parquet")
	writeParquet(t, pq)
	if out := e.upload(t, map[string]any{"path": pq, "name": "sales_pq"}); out.Format != "parquet" || out.Rows != 3 {
		t.Errorf("parquet: %+v", out)
	}
	msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": "files",
		"sql": "SELECT r.manager, sum(s.amount) AS total FROM sales s JOIN regions r USING (region) GROUP BY 1 ORDER BY 1"})
	if isErr || !strings.Contains(msg, "ann") || !strings.Contains(msg, "15") || !strings.Contains(msg, "bob") {
		t.Fatalf("join: %s", msg)
	}
	for _, q := range []string{"SELECT count(*) FROM zipped", "SELECT count(*) FROM sales_pq", "SELECT sum(a) FROM lines"} {
		if got := e.count(t, "files", q); got != "3" && got != "6" {
			t.Errorf("%s: %s", q, got)
		}
	}
	msg, isErr = e.call(t, "list_tables", map[string]any{"connection": "files"})
	if isErr || !strings.Contains(msg, "sales") || !strings.Contains(msg, "regions") {
		t.Fatalf("list_tables: %s", msg)
	}
}

// writeParquet writes a Parquet file with DuckDB outside the server.
func writeParquet(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "COPY (SELECT * FROM (VALUES (1, 'north', 10.5), (2, 'south', 20.0), (3, 'north', 4.5)) v(id, region, amount)) TO '"+path+"' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
}

func TestUploadNamesAndDuplicates(t *testing.T) {
	e := newEnv(t)
	a := e.upload(t, map[string]any{"name": "My Sales.csv", "content": salesCSV})
	if a.Name != "my_sales" || a.RenamedFrom != "" || a.Existed {
		t.Fatalf("first: %+v", a)
	}
	again := e.upload(t, map[string]any{"name": "My Sales.csv", "content": salesCSV})
	if again.Name != "my_sales" || !again.Existed {
		t.Fatalf("same bytes, same name: %+v", again)
	}
	other := e.upload(t, map[string]any{"name": "my_sales", "content": "x\n1\n"})
	if other.Name != "my_sales_2" || other.RenamedFrom != "my_sales" {
		t.Fatalf("collision: %+v", other)
	}
	third := e.upload(t, map[string]any{"name": "my-sales", "content": "x\n2\n"})
	if third.Name != "my_sales_3" || third.RenamedFrom != "my_sales" {
		t.Fatalf("second collision: %+v", third)
	}
	copyOf := e.upload(t, map[string]any{"name": "copy", "content": salesCSV})
	if copyOf.Name != "copy" || !copyOf.Existed || copyOf.SHA256 != a.SHA256 {
		t.Fatalf("same bytes, other name: %+v", copyOf)
	}
	if got := e.managedFiles(t); len(got) != 3 {
		t.Fatalf("stored copies: %v (want 3: the same bytes once)", got)
	}
	// remove_file keeps bytes another asset still reads.
	if msg, isErr := e.call(t, "remove_file", map[string]any{"name": "copy"}); isErr {
		t.Fatal(msg)
	}
	if got := e.managedFiles(t); len(got) != 3 {
		t.Fatalf("after removing a shared copy: %v", got)
	}
	if got := e.count(t, "files", "SELECT count(*) FROM my_sales"); got != "3" {
		t.Fatalf("my_sales after removing copy: %s", got)
	}
	e.mustFail(t, "execute_sql", map[string]any{"connection": "files", "sql": "SELECT * FROM copy"}, []string{"copy"})
	if msg, isErr := e.call(t, "remove_file", map[string]any{"name": "my_sales"}); isErr {
		t.Fatal(msg)
	}
	if got := e.managedFiles(t); len(got) != 2 {
		t.Fatalf("after removing the last user: %v", got)
	}
	e.mustFail(t, "remove_file", map[string]any{"name": "my_sales"}, []string{"not found", "list_tables"})
}

func TestUploadRefusals(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	os.WriteFile(secret, []byte(salesCSV), 0o600)
	os.Symlink(secret, filepath.Join(root, "link.csv"))
	os.WriteFile(filepath.Join(root, "big.csv"), []byte(strings.Repeat("a,b\n", 1000)), 0o600)
	e := newEnvWith(t, envOptions{filesRoots: []string{root}, filesMax: 1000})
	how := []string{"not allowed", "workspace root", "--files-root"}
	e.mustFail(t, "upload_file", map[string]any{"path": secret}, how)
	e.mustFail(t, "upload_file", map[string]any{"path": filepath.Join(root, "..", filepath.Base(outside), "secret.csv")}, how)
	e.mustFail(t, "upload_file", map[string]any{"path": filepath.Join(root, "link.csv")}, how)
	e.mustFail(t, "upload_file", map[string]any{"path": filepath.Join(root, "big.csv")}, []string{"too large", "--files-max-bytes"})
	e.mustFail(t, "upload_file", map[string]any{"content": strings.Repeat("a,b\n", 1000)}, []string{"too large"})
	e.mustFail(t, "upload_file", map[string]any{}, []string{"exactly one"})
	e.mustFail(t, "upload_file", map[string]any{"content": "a", "content_base64": "YQ=="}, []string{"exactly one"})
	e.mustFail(t, "upload_file", map[string]any{"content": "a,b\n1,\"broken\n2,3\n", "format": "csv"}, []string{"line"})
	if list, _ := e.store.ListFileAssets(t.Context()); len(list) != 0 {
		t.Fatalf("refused uploads registered: %+v", list)
	}
	if got := e.managedFiles(t); len(got) != 0 {
		t.Fatalf("refused uploads left files: %v", got)
	}
}

func TestFilesSandbox(t *testing.T) {
	e := newEnv(t)
	e.upload(t, map[string]any{"name": "sales", "content": salesCSV})
	for _, q := range []string{"SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_csv('" + e.store.Path() + "')"} {
		msg, isErr := e.call(t, "execute_sql", map[string]any{"connection": "files", "sql": q})
		if !isErr || !strings.Contains(msg, "Cannot access file") {
			t.Errorf("%s ran: %s", q, msg)
		}
	}
}

func TestFilesPersistAndShare(t *testing.T) {
	home := t.TempDir()
	a := newEnvWith(t, envOptions{home: home})
	b := newEnvWith(t, envOptions{home: home})
	if got := b.count(t, "files", "SELECT count(*) FROM duckdb_views() WHERE NOT internal"); got != "0" {
		t.Fatalf("views before upload: %s", got)
	}
	a.upload(t, map[string]any{"name": "sales", "content": salesCSV})
	deadline := time.Now().Add(5 * time.Second)
	for {
		msg, isErr := b.call(t, "execute_sql", map[string]any{"connection": "files", "sql": "SELECT count(*) FROM sales"})
		if !isErr {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other manager never saw the upload: %s", msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
	c := newEnvWith(t, envOptions{home: home}) // a restart
	if got := c.count(t, "files", "SELECT sum(amount) FROM sales"); got != "35" {
		t.Fatalf("after restart: %s", got)
	}
	msg, isErr := c.call(t, "profile", map[string]any{"file": "sales"})
	if isErr || !strings.Contains(msg, "3 rows") || !strings.Contains(msg, "region") {
		t.Fatalf("profile by file: %s", msg)
	}
	c.upload(t, map[string]any{"name": "later", "content": "x\n1\n"})
	for _, env := range []*env{c, b} { // c at once; b, another process, within the revalidation time
		deadline := time.Now().Add(5 * time.Second)
		for {
			msg, isErr := env.call(t, "list_tables", map[string]any{"connection": "files"})
			if !isErr && strings.Contains(msg, "later") && strings.Contains(msg, "sales") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("list_tables never showed the new file: %s", msg)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	c.mustFail(t, "profile", map[string]any{"file": "sales", "connection": "demo"}, []string{"not both"})
	c.mustFail(t, "profile", map[string]any{"file": "nope"}, []string{"not found"})
	c.mustFail(t, "profile", map[string]any{"table": "x"}, []string{"connection and table"})
}

// rootsList is a client that declares fixed roots.
type rootsList []string

func (r rootsList) ListRoots(context.Context, mcp.ListRootsRequest) (*mcp.ListRootsResult, error) {
	res := &mcp.ListRootsResult{Roots: []mcp.Root{}}
	for _, uri := range r {
		res.Roots = append(res.Roots, mcp.Root{URI: uri, Name: "workspace"})
	}
	return res, nil
}

// TestUploadClientRoots: a folder the client declares as a root is allowed;
// a client without the roots capability allows nothing but --files-root.
func TestUploadClientRoots(t *testing.T) {
	ws, other := t.TempDir(), t.TempDir()
	for _, d := range []string{ws, other} {
		os.WriteFile(filepath.Join(d, "data.csv"), []byte(salesCSV), 0o600)
	}
	e := newEnvWith(t, envOptions{roots: []string{"file://" + ws}})
	if out := e.upload(t, map[string]any{"path": filepath.Join(ws, "data.csv")}); out.Name != "data" || out.Rows != 3 {
		t.Fatalf("under a client root: %+v", out)
	}
	e.mustFail(t, "upload_file", map[string]any{"path": filepath.Join(other, "data.csv")}, []string{"outside the allowed folders", "--files-root"})
	plain := newEnv(t)
	plain.mustFail(t, "upload_file", map[string]any{"path": filepath.Join(ws, "data.csv")}, []string{"no folders are allowed yet", "--files-root"})
}

// TestFilesHomeBehindSymlink: managed copies are named by their real path,
// and the files connection's sandbox allows that real path.
func TestFilesHomeBehindSymlink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "home")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Skip(err)
	}
	e := newEnvWith(t, envOptions{home: link})
	e.upload(t, map[string]any{"name": "sales", "content": salesCSV})
	if got := e.count(t, "files", "SELECT count(*) FROM sales"); got != "3" {
		t.Fatalf("count: %s", got)
	}
}
