package sqlparse

import (
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

const benchSQL = "SELECT g AS id, 'name ' || g AS name, g * 1.5 AS score FROM generate_series(1, 99) g"

// joinSQL is a typical analytics query: three tables, a filter, grouping.
const joinSQL = `SELECT c.name, date_trunc('month', o.created_at) AS month, count(*) AS n,
       sum(oi.qty * oi.price) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_items oi ON oi.order_id = o.id
WHERE o.created_at >= now() - interval '90 days' AND c.country = 'DE'
GROUP BY 1, 2
ORDER BY revenue DESC
LIMIT 50`

func BenchmarkParse(b *testing.B) {
	for _, c := range []struct{ name, sql string }{{"simple", benchSQL}, {"join3", joinSQL}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(c.sql); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTreeRoutes compares the two ways to get a tree out of pg_query:
// JSON (what Parse uses) and protobuf unmarshaled into Go structs.
func BenchmarkTreeRoutes(b *testing.B) {
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if _, err := parser.ParseToJSON(joinSQL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("protobuf+unmarshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := pg_query.Parse(joinSQL); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkFingerprintOnly(b *testing.B) {
	for b.Loop() {
		Fingerprint(joinSQL)
	}
}

func BenchmarkInspect(b *testing.B) {
	for b.Loop() {
		if _, err := Inspect(benchSQL); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalk measures the Go side of Parse: decoding pg_query's JSON
// and walking it, without the C parser.
func BenchmarkWalk(b *testing.B) {
	tree, err := parser.ParseToJSON(joinSQL)
	if err != nil {
		b.Fatal(err)
	}
	w := &walker{}
	for b.Loop() {
		if _, err := w.parseResult(tree); err != nil {
			b.Fatal(err)
		}
	}
}
