package lineage

import (
	"context"
	"testing"
)

// typical are queries of the size the speed target names: one to three
// joins, a filter, grouping, a CTE or a subquery.
var typical = []string{
	`SELECT o.id, o.created_at, c.name AS customer FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = 'paid'`,
	`SELECT c.name, date_trunc('month', o.created_at) AS month, count(*) AS n, sum(oi.qty * oi.price) AS revenue
FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items oi ON oi.order_id = o.id
WHERE o.created_at >= now() - interval '90 days' AND c.country = 'DE' GROUP BY 1, 2 ORDER BY revenue DESC LIMIT 50`,
	`WITH recent AS (SELECT customer_id, max(created_at) AS last_order FROM orders GROUP BY customer_id)
SELECT c.id, c.email, r.last_order FROM customers c LEFT JOIN recent r ON r.customer_id = c.id WHERE c.active`,
	`INSERT INTO analytics.daily_revenue (day, product_id, revenue)
SELECT o.created_at::date, oi.product_id, sum(oi.qty * oi.price) FROM orders o JOIN order_items oi ON oi.order_id = o.id
JOIN products p ON p.id = oi.product_id WHERE p.active GROUP BY 1, 2`,
	`SELECT p.name, CASE WHEN s.qty < 10 THEN 'low' ELSE 'ok' END AS stock, rank() OVER (PARTITION BY p.category_id ORDER BY s.qty DESC) AS r
FROM products p JOIN stock s ON s.product_id = p.id WHERE p.id IN (SELECT product_id FROM order_items WHERE qty > 5)`,
}

// BenchmarkAnalyze is statements per second on one core: run with
// -cpu 1 and divide 1e9 by ns/op.
func BenchmarkAnalyze(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		for _, q := range typical {
			if _, err := Analyze(ctx, q, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(typical))/b.Elapsed().Seconds(), "stmts/s")
}
