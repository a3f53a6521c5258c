package sqlparse

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// refFacts computes facts from pg_query's protobuf tree with a generic
// protoreflect walk: an independent route to what Parse must find.
type refFacts struct {
	Functions, Relations, Nested []string
	Locking, Into                bool
}

func reference(tree *pg_query.ParseResult) refFacts {
	var r refFacts
	var walk func(m protoreflect.Message, top bool)
	walk = func(m protoreflect.Message, top bool) {
		name := string(m.Descriptor().Name())
		if !top && strings.HasSuffix(name, "Stmt") && name != "SelectStmt" && name != "RawStmt" && name != "ExplainStmt" {
			r.Nested = append(r.Nested, name)
		}
		switch n := m.Interface().(type) {
		case *pg_query.FuncCall:
			r.Functions = append(r.Functions, qualified(n.Funcname))
		case *pg_query.RangeTableSample:
			r.Functions = append(r.Functions, qualified(n.Method))
		case *pg_query.RangeVar:
			r.Relations = append(r.Relations, n.Schemaname+"."+n.Relname)
		case *pg_query.LockingClause:
			r.Locking = true
		case *pg_query.IntoClause:
			r.Into = true
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			if fd.Message() == nil {
				return true
			}
			childTop := top && (name == "RawStmt" || name == "Node" || name == "ExplainStmt")
			if fd.IsList() {
				for i := 0; i < v.List().Len(); i++ {
					walk(v.List().Get(i).Message(), childTop)
				}
			} else {
				walk(v.Message(), childTop)
			}
			return true
		})
	}
	for _, s := range tree.Stmts {
		walk(s.ProtoReflect(), true)
	}
	return r
}

func qualified(names []*pg_query.Node) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, n.GetString_().GetSval())
	}
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	if len(parts) == 1 {
		parts = []string{"", parts[0]}
	}
	return strings.Join(parts, ".")
}

// ours flattens Parse's facts the way reference reports them.
func ours(f Facts) refFacts {
	var r refFacts
	var add func(st *Statement)
	add = func(st *Statement) {
		for _, fn := range st.Functions {
			r.Functions = append(r.Functions, fn.Schema+"."+fn.Name)
		}
		for _, rel := range st.Relations {
			r.Relations = append(r.Relations, rel.Schema+"."+rel.Name)
		}
		r.Nested = append(r.Nested, st.Nested...)
		r.Locking = r.Locking || len(st.Locking) > 0
		r.Into = r.Into || st.Into
		if st.Inner != nil {
			add(st.Inner)
		}
	}
	for i := range f.Statements {
		add(&f.Statements[i])
	}
	return r
}

// sameFacts compares the sets of names and the flags; nested statements
// are compared by count (the reference sees node names, we see kinds).
func sameFacts(t *testing.T, sql string, want, got refFacts) {
	t.Helper()
	norm := func(s []string) []string {
		s = slices.Clone(s)
		slices.Sort(s)
		return slices.Compact(s)
	}
	if diff := cmp.Diff(norm(want.Functions), norm(got.Functions)); diff != "" {
		t.Errorf("%q functions (-protobuf +ours):\n%s", sql, diff)
	}
	if diff := cmp.Diff(norm(want.Relations), norm(got.Relations)); diff != "" {
		t.Errorf("%q relations (-protobuf +ours):\n%s", sql, diff)
	}
	if want.Locking != got.Locking || want.Into != got.Into || (len(want.Nested) > 0) != (len(got.Nested) > 0) {
		t.Errorf("%q flags: protobuf %+v, ours %+v", sql, want, got)
	}
}

// differential checks, for SQL that parses, that pg_query's JSON decodes
// (with protojson, strictly) to the very tree the protobuf route gives,
// and that Parse finds what the reflection walk finds.
func differential(t *testing.T, sql string) {
	t.Helper()
	tree, err := pg_query.Parse(sql)
	if err != nil || checkText(sql) != nil { // Parse refuses invalid UTF-8 and NUL first
		return
	}
	js, err := pg_query.ParseToJSON(sql)
	if err != nil {
		t.Fatalf("%q: JSON route fails where protobuf parses: %v", sql, err)
	}
	var fromJSON pg_query.ParseResult
	if err := protojson.Unmarshal([]byte(js), &fromJSON); err != nil {
		t.Fatalf("%q: pg_query JSON is not protobuf JSON: %v", sql, err)
	}
	if !proto.Equal(tree, &fromJSON) {
		t.Fatalf("%q: JSON and protobuf trees differ", sql)
	}
	f, err := Parse(sql)
	if err != nil {
		if len(tree.Stmts) == 0 {
			return
		}
		t.Fatalf("%q: Parse fails where pg_query parses: %v", sql, err)
	}
	sameFacts(t, sql, reference(tree), ours(f))
}

// corpus is every golden query of the guard plus local extras.
func corpus(t testing.TB) []string {
	out := []string{
		"SELECT 1", "EXPLAIN ANALYZE WITH d AS (DELETE FROM t RETURNING *) SELECT f() FROM d",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT g(); END",
		"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (h()); DELETE FROM v)",
		"SELECT JSON_OBJECT('a': f()), JSON_QUERY(jsonb '{}', '$.a' RETURNING text), t.* FROM JSON_TABLE(jsonb '[]', '$[*]' COLUMNS (a int PATH '$.a' DEFAULT g() ON EMPTY)) t",
		"SELECT xmlelement(name a, xmlattributes(f() AS b)), xmlserialize(content g() AS text)",
		"SELECT * FROM a NATURAL FULL JOIN b USING (x) WHERE x IS DISTINCT FROM y(1) AND z IS NOT NULL",
		"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND f() THEN UPDATE SET a = g() WHEN NOT MATCHED THEN INSERT VALUES (h()) RETURNING merge_action()",
		"SELECT f() FILTER (WHERE g()) OVER (PARTITION BY h() ORDER BY i() RANGE BETWEEN j() PRECEDING AND CURRENT ROW)",
	}
	files, _ := filepath.Glob("../sqlguard/testdata/*/query.sql")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func TestParseAgreesWithProtobuf(t *testing.T) {
	for _, sql := range corpus(t) {
		differential(t, sql)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range corpus(f) {
		f.Add(s)
	}
	for _, s := range []string{"", "$$", "COPY t TO PROGRAM 'x'", "SELECT '\\'", "SELECT U&'\\0000'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		facts, err := Parse(sql)
		if err == nil && len(facts.Statements) == 0 {
			t.Fatal("no statements and no error")
		}
		differential(t, sql)
	})
}
