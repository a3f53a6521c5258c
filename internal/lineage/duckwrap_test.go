package lineage

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestDuckDBWrappedStatements: CREATE ... AS and INSERT around a query
// only DuckDB reads: pg_query reads the head, DuckDB the query.
func TestDuckDBWrappedStatements(t *testing.T) {
	schema := Schema{"s": {"a", "b", "z"}}
	for _, c := range []struct {
		sql         string
		read, write []string
		col         string
		srcs        []string
	}{
		{"CREATE VIEW v AS SELECT a, sum(b) AS total FROM s GROUP BY ALL ORDER BY a;", []string{"s"}, []string{"v"}, "v.total", []string{"s.b"}},
		{"CREATE OR REPLACE TEMP TABLE \"My\".t AS FROM s SELECT a", []string{"s"}, []string{"My.t"}, "My.t.a", []string{"s.a"}},
		{"create table t(x, y) as select * exclude (z) from s", []string{"s"}, []string{"t"}, "t.y", []string{"s.b"}},
		{"INSERT INTO t (x, y) SELECT * EXCLUDE (z) FROM s", []string{"s"}, []string{"t"}, "t.y", []string{"s.b"}},
		{"/* c */ INSERT INTO \"T\" -- x\n SELECT a FROM s QUALIFY row_number() OVER (PARTITION BY b) = 1", []string{"s"}, []string{"T"}, "", nil},
	} {
		res, err := Analyze(context.Background(), c.sql, Options{Schema: schema})
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		if res.Dialect != "duckdb" || !slices.Equal(res.Read, c.read) || !slices.Equal(res.Write, c.write) {
			t.Errorf("%s: dialect %s read %v write %v", c.sql, res.Dialect, res.Read, res.Write)
		}
		if c.col != "" && !slices.Equal(res.Columns[c.col], c.srcs) {
			t.Errorf("%s: %s <- %v (%v)", c.sql, c.col, res.Columns[c.col], res.Columns)
		}
	}
	// A script: read statement by statement, each by the parser that can.
	res, err := Analyze(context.Background(), "CREATE VIEW v AS SELECT a FROM s GROUP BY ALL; SELECT a FROM v WHERE a > 1", Options{Schema: schema})
	if err != nil || res.Dialect != "duckdb+postgres" || !slices.Equal(res.Read, []string{"s", "v"}) || !slices.Equal(res.Columns["output.a"], []string{"v.a"}) {
		t.Errorf("script: %v %+v", err, res)
	}
	// A statement that is no wrapper: the PostgreSQL error.
	for _, sql := range []string{"INSERT INTO t BY NAME SELECT a FROM s QUALIFY a > 1", "CREATE MACRO m(x) AS x + 1"} {
		if _, err := Analyze(context.Background(), sql, Options{}); err == nil || !strings.Contains(err.Error(), "syntax error") {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

func TestWrapSplit(t *testing.T) {
	for sql, want := range map[string]string{
		"CREATE VIEW v AS SELECT 1":                          "SELECT 1",
		"CREATE VIEW v (a) AS (SELECT 1)":                    "(SELECT 1)",
		"CREATE TABLE \"as\" AS WITH x AS (SELECT 1) FROM x": "WITH x AS (SELECT 1) FROM x",
		"INSERT INTO s.t (a, b) VALUES (1, 2)":               "VALUES (1, 2)",
		"INSERT INTO t (SELECT 1)":                           "(SELECT 1)",
		"insert or replace into t select 1":                  "select 1",
		"SELECT 1":                                           "",
		"CREATE TABLE t (a int)":                             "",
	} {
		got := ""
		if i := wrapSplit(sql); i >= 0 {
			got = sql[i:]
		}
		if got != want {
			t.Errorf("wrapSplit(%q) = %q, want %q", sql, got, want)
		}
	}
}
