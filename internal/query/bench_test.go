package query

import (
	"fmt"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
)

const benchJoin = `SELECT c.name, date_trunc('month', o.created_at) AS month, count(*) AS n,
       sum(oi.qty * oi.price) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_items oi ON oi.order_id = o.id
WHERE o.created_at >= now() - interval '90 days' AND c.country = 'DE'
GROUP BY 1, 2
ORDER BY revenue DESC
LIMIT %d`

// BenchmarkCheckPostgres is the runner's whole pre-database check of a
// three-table join, with the connection's catalog answers cached: "new"
// sends a different text each time (parse, fingerprint, guard), "repeat"
// the same text (parse cache hit, guard).
func BenchmarkCheckPostgres(b *testing.B) {
	r := New(nil, nil, Limits{}, nil)
	h := handle(source.Postgres, &fakeSource{engine: source.Postgres})
	var e store.QueryLogEntry
	if _, err := r.check(b.Context(), h, fmt.Sprintf(benchJoin, 0), 0, &e); err != nil {
		b.Fatal(err)
	}
	b.Run("new", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := r.check(b.Context(), h, fmt.Sprintf(benchJoin, i), 0, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("repeat", func(b *testing.B) {
		sql := fmt.Sprintf(benchJoin, 50)
		for b.Loop() {
			if _, err := r.check(b.Context(), h, sql, 0, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
