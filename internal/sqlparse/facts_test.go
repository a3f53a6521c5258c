package sqlparse

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

func TestFacts(t *testing.T) {
	cases := []struct {
		sql  string
		want Statement
	}{
		{"SELECT lower(a), pg_catalog.upper(b), \"MyFn\"(c), s.t.f() FROM s.t1 JOIN t2 ON t2.id = t1.id",
			Statement{Kind: "select", Class: ClassRead,
				Functions: []Function{{Name: "lower"}, {Schema: "pg_catalog", Name: "upper"}, {Name: "MyFn"}, {Schema: "t", Name: "f"}},
				Operators: []Operator{{Name: "="}},
				Relations: []Relation{{Schema: "s", Name: "t1"}, {Name: "t2"}}, Fields: []string{"id"}}},
		{"SELECT * FROM ROWS FROM (f(1), g(h(2))) AS x, LATERAL k(x.a), t TABLESAMPLE system(1)",
			Statement{Kind: "select", Class: ClassRead,
				Functions: []Function{{Name: "f", InFrom: true}, {Name: "g", InFrom: true}, {Name: "h"}, {Name: "k", InFrom: true}, {Name: "system", InFrom: true}},
				Relations: []Relation{{Name: "t"}}, Fields: []string{"a"}}},
		{"SELECT t.f, s.t.g, t.*, (t).h, (x.arr)[1], (compute(t)).i, \"T\".\"J\" FROM t",
			Statement{Kind: "select", Class: ClassRead, Functions: []Function{{Name: "compute"}},
				Relations: []Relation{{Name: "t"}}, Fields: []string{"f", "g", "h", "arr", "i", "J"}}},
		{"WITH d AS (DELETE FROM t RETURNING *), s AS (SELECT 1 FROM u FOR SHARE) SELECT * FROM d, s FOR UPDATE",
			Statement{Kind: "select", Class: ClassDML, Locking: []string{"FOR UPDATE", "FOR SHARE"}, Nested: []string{"delete"},
				CTEs: []string{"d", "s"}, Relations: []Relation{{Name: "d"}, {Name: "s"}, {Name: "t"}, {Name: "u"}}}},
		{"SELECT a INTO new_t FROM t WHERE a BETWEEN 1 AND 2 ORDER BY a USING <",
			Statement{Kind: "select", Class: ClassDDL, Into: true,
				Operators: []Operator{{Name: ">="}, {Name: "<="}, {Name: "<"}},
				Relations: []Relation{{Name: "new_t"}, {Name: "t"}}}},
		{"SELECT 1 WHERE 1 = ANY (SELECT 1) AND 2 OPERATOR(myschema.###) 3",
			Statement{Kind: "select", Class: ClassRead, Operators: []Operator{{Name: "="}, {Schema: "myschema", Name: "###"}}}},
		{"CALL p(nextval('s'))",
			Statement{Kind: "call", Class: ClassAdmin, Functions: []Function{{Name: "p"}, {Name: "nextval"}}}},
		{"COPY (SELECT f()) TO PROGRAM 'x'",
			Statement{Kind: "copy", Class: ClassAdmin, Functions: []Function{{Name: "f"}}}},
		{"PREPARE p AS UPDATE t SET a = g()",
			Statement{Kind: "prepare", Class: ClassSession, Nested: []string{"update"},
				Functions: []Function{{Name: "g"}}, Relations: []Relation{{Name: "t"}}}},
		{"CREATE TABLE t (a int DEFAULT f())",
			Statement{Kind: "create table", Class: ClassDDL, Functions: []Function{{Name: "f"}}, Relations: []Relation{{Name: "t"}}}},
		{"EXPLAIN (ANALYZE, BUFFERS off, FORMAT json) DELETE FROM t WHERE f()",
			Statement{Kind: "explain", Class: ClassDML, Analyze: true, Options: []string{"analyze", "format"},
				Inner: &Statement{Kind: "delete", Class: ClassDML, Functions: []Function{{Name: "f"}}, Relations: []Relation{{Name: "t"}}}}},
		{"EXPLAIN SELECT 1 FOR UPDATE",
			Statement{Kind: "explain", Class: ClassRead,
				Inner: &Statement{Kind: "select", Class: ClassDML, Locking: []string{"FOR UPDATE"}}}},
	}
	for _, c := range cases {
		f, err := Parse(c.sql)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		if diff := cmp.Diff(c.want, f.Statements[0], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q (-want +got):\n%s", c.sql, diff)
		}
	}
}

// TestEveryStatementNodeHasAKind keeps stmtKinds in step with pg_query.
func TestEveryStatementNodeHasAKind(t *testing.T) {
	for name, mt := range schema().types {
		if mt.stmt {
			if _, ok := stmtKinds[name]; !ok {
				t.Errorf("statement node %s has no entry in stmtKinds", name)
			}
		}
	}
	for name := range stmtKinds {
		if _, ok := schema().types[name]; !ok {
			t.Errorf("stmtKinds names %s, which pg_query does not have", name)
		}
	}
	if len(schema().types) < 200 {
		t.Errorf("schema has only %d message types", len(schema().types))
	}
}

func TestAmbiguousString(t *testing.T) {
	for sql, want := range map[string]bool{
		`SELECT 'a\' AS q, 1 AS "x' , f() AS z --"`: true,
		`SELECT 'a\''b'`:                  true,
		`SELECT N'a\' AS q, 1 AS "x' --"`: true,
		`SELECT E'it\'s'`:                 false,
		`SELECT 'C:\path', '\d+'`:         false,
		`SELECT $$a\'$$`:                  false,
		`SELECT 1 AS "a\'b"`:              false,
		"SELECT 1 -- \\'\n":               false,
	} {
		f, err := Parse(sql)
		if err != nil {
			t.Fatalf("%q: %v", sql, err)
		}
		if f.AmbiguousString != want {
			t.Errorf("%q: ambiguous %v, want %v", sql, f.AmbiguousString, want)
		}
	}
}

// TestWalkFailsClosed: a tree with a key or node the schema does not know,
// or malformed JSON, is an error, never a statement with missing facts.
func TestWalkFailsClosed(t *testing.T) {
	good, err := pg_query.ParseToJSON("SELECT f(1)")
	if err != nil {
		t.Fatal(err)
	}
	bad := []string{
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"targetList":[{"ResTarget":{"val":{"NewNode":{}}}}]}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"newField":[{"FuncCall":{}}]}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"targetList":{"ResTarget":{}}}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"op":{"FuncCall":{}}}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{},"InsertStmt":{}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"whereClause":[]}}}]}`,
		`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{}}}],"extra":1}`,
		good[:len(good)-2],
		good + "x",
		`[]`,
	}
	for _, tree := range bad {
		var w walker
		if _, err := w.parseResult(tree); !errors.Is(err, errBadTree) {
			t.Errorf("%s: err %v, want errBadTree", tree, err)
		}
	}
	var w walker
	if st, err := w.parseResult(good); err != nil || len(st) != 1 || st[0].Functions[0].Name != "f" {
		t.Fatalf("good tree: %+v %v", st, err)
	}
}

// FuzzWalkTree: whatever JSON reaches the walker, it returns statements or
// an error, never a panic.
func FuzzWalkTree(f *testing.F) {
	for _, sql := range corpus(f)[:40] {
		if js, err := pg_query.ParseToJSON(sql); err == nil {
			f.Add(js)
		}
	}
	f.Fuzz(func(t *testing.T, tree string) {
		var w walker
		_, _ = w.parseResult(tree)
	})
}
