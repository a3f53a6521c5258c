package lineage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze checks that lineage never panics on SQL pg_query parses,
// with and without a schema, and that its sets stay sorted and unique.
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
		for _, opts := range []Options{{Dialect: "postgres"}, {Dialect: "postgres", Schema: schema}} {
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
