package sqlguard

import (
	"testing"

	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

var benchQueries = []struct{ name, sql string }{
	{"simple", "SELECT id, label FROM canary WHERE id = 42"},
	{"join3", `SELECT c.name, date_trunc('month', o.created_at) AS month, count(*) AS n,
       sum(oi.qty * oi.price) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_items oi ON oi.order_id = o.id
WHERE o.created_at >= now() - interval '90 days' AND c.country = 'DE'
GROUP BY 1, 2
ORDER BY revenue DESC
LIMIT 50`},
	{"cte_window", `WITH monthly AS (
  SELECT customer_id, date_trunc('month', created_at) AS m, sum(total) AS revenue
  FROM orders GROUP BY 1, 2)
SELECT customer_id, m, revenue,
       lag(revenue) OVER (PARTITION BY customer_id ORDER BY m) AS prev,
       rank() OVER (PARTITION BY m ORDER BY revenue DESC) AS rnk
FROM monthly WHERE revenue > 0 ORDER BY m, rnk LIMIT 100`},
}

// BenchmarkCheckSQL is the whole guard on a text: parse, walk, decide.
func BenchmarkCheckSQL(b *testing.B) {
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if !CheckSQL(q.sql, Policy{}).Allowed {
					b.Fatal("refused")
				}
			}
		})
	}
}

// BenchmarkCheck is the decision alone, on facts already parsed.
func BenchmarkCheck(b *testing.B) {
	for _, q := range benchQueries {
		f, err := sqlparse.Parse(q.sql)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				d := Check(f, Policy{})
				if !Resolve(d, Policy{}, func(Ref) Volatility { return Volatility{} }).Allowed {
					b.Fatal("refused")
				}
			}
		})
	}
}
