package duckdb

import (
	"context"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
)

const (
	bench99SQL  = "SELECT order_id, status, total_amount FROM orders ORDER BY order_id LIMIT 99"
	bench10kSQL = `SELECT o.order_id, o.ordered_at, o.status, i.product_id, i.quantity, i.line_total
		FROM orders o JOIN order_items i USING (order_id) CROSS JOIN range(4) r
		ORDER BY o.order_id, i.line_no, r.range LIMIT 10000`
)

func benchQuery(b *testing.B, sqlText string, wantRows int) {
	s := openDemo(b, Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Query(ctx, sqlText, source.Limits{MaxRows: 10000})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Rows) != wantRows || res.Truncated {
			b.Fatalf("%d rows, truncated=%v", len(res.Rows), res.Truncated)
		}
	}
}

// BenchmarkQuery99x3: 99 rows of INTEGER, VARCHAR and DECIMAL(12,2).
func BenchmarkQuery99x3(b *testing.B) { benchQuery(b, bench99SQL, 99) }

// BenchmarkQuery10k: 10,000 rows of six columns including TIMESTAMP and DECIMAL.
func BenchmarkQuery10k(b *testing.B) { benchQuery(b, bench10kSQL, 10000) }

// BenchmarkDriver99x3 is the same 99-row query through database/sql and
// duckdb-go alone, for the adapter's overhead.
func BenchmarkDriver99x3(b *testing.B) {
	s := openDemo(b, Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rows, err := s.db.QueryContext(ctx, bench99SQL)
		if err != nil {
			b.Fatal(err)
		}
		var id int32
		var status string
		var total any
		for rows.Next() {
			if err := rows.Scan(&id, &status, &total); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
	}
}
