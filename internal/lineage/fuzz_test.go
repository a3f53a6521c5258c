package lineage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze checks that lineage never panics, with and without a schema,
// on pg_query's path and in automatic mode (DuckDB's parser, statement by
// statement scripts), and that its sets stay sorted and unique.
// Seeds: the typical benchmark queries, our golden cases and the shared
// examples when present.
func FuzzAnalyze(f *testing.F) {
	for _, q := range typical {
		f.Add(q)
	}
	for _, p := range []string{
		filepath.Join("testdata", "golden.json"),
		filepath.Join("..", "..", "..", "shared", "testdata", "lineage", "examples.json"),
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var cases []goldenCase
		if json.Unmarshal(b, &cases) == nil {
			for _, c := range cases {
				if c.Dialect == "" {
					f.Add(c.SQL)
				}
			}
		}
	}
	schema := Schema{"t": {"a", "b"}, "orders": {"id", "customer_id", "created_at"}, "customers": {"id", "name"}}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, opts := range []Options{{Dialect: "postgres"}, {Dialect: "postgres", Schema: schema}, {Schema: schema}} {
			res, err := Analyze(context.Background(), sql, opts)
			if err != nil {
				continue
			}
			for _, set := range [][]string{res.Read, res.Write, res.CTEs} {
				for i := 1; i < len(set); i++ {
					if set[i-1] >= set[i] {
						t.Fatalf("set not sorted and unique: %q", set)
					}
				}
			}
			_ = OpenLineage(res, "ns")
		}
	})
}

// FuzzDuckDB checks that DuckDB's parser path (its JSON tree converted to
// our shape, then resolved) never panics.
func FuzzDuckDB(f *testing.F) {
	for _, q := range []string{
		"SELECT * EXCLUDE (a) FROM t", "FROM t SELECT a, sum(b) GROUP BY ALL", "SELECT COLUMNS('a.*') FROM t",
		"SELECT a FROM t ASOF JOIN u ON t.x >= u.x", "PIVOT t ON y IN (1, 2) USING sum(v) GROUP BY k",
		"SELECT list_transform(l, x -> x + a) FROM t QUALIFY row_number() OVER (PARTITION BY a) = 1",
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r",
		"SELECT s.a.b, [1, 2][1], {'k': a} FROM t s POSITIONAL JOIN u",
	} {
		f.Add(q)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, sql string) {
		res, err := Analyze(ctx, sql, Options{Dialect: "duckdb", Schema: Schema{"t": {"a", "b", "y", "v", "k", "l"}}})
		if err == nil {
			_ = OpenLineage(res, "ns")
		}
	})
}
