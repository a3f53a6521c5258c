package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var demoTables = []string{"categories", "customers", "products", "orders", "order_items", "payments", "shipments"}

func TestDemoContent(t *testing.T) {
	s := openDemo(t, Config{})
	counts := map[string]int64{}
	for _, tbl := range demoTables {
		counts[tbl] = scalar(t, s, "SELECT count(*) FROM "+tbl).(int64)
	}
	t.Logf("row counts: %v", counts)
	want := map[string]int64{"categories": 13, "customers": 320, "products": 96, "orders": 1500}
	for tbl, n := range want {
		if counts[tbl] != n {
			t.Errorf("%s: %d rows, want %d", tbl, counts[tbl], n)
		}
	}
	for _, tbl := range []string{"order_items", "payments", "shipments"} {
		if counts[tbl] < 1000 {
			t.Errorf("%s: only %d rows", tbl, counts[tbl])
		}
	}
}

func TestDemoForeignKeysHold(t *testing.T) {
	s := openDemo(t, Config{})
	checks := map[string]string{
		"categories.parent_id": "SELECT count(*) FROM categories c WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT category_id FROM categories)",
		"products.category_id": "SELECT count(*) FROM products p ANTI JOIN categories c USING (category_id)",
		"orders.customer_id":   "SELECT count(*) FROM orders o ANTI JOIN customers c USING (customer_id)",
		"order_items.order":    "SELECT count(*) FROM order_items i ANTI JOIN orders o USING (order_id)",
		"order_items.product":  "SELECT count(*) FROM order_items i ANTI JOIN products p USING (product_id)",
		"payments.order_id":    "SELECT count(*) FROM payments p ANTI JOIN orders o USING (order_id)",
		"shipments.order_id":   "SELECT count(*) FROM shipments s ANTI JOIN orders o USING (order_id)",
		"orders.subtotal":      "SELECT count(*) FROM orders o WHERE subtotal <> (SELECT sum(line_total) FROM order_items i WHERE i.order_id = o.order_id)",
		"orders.total":         "SELECT count(*) FROM orders WHERE total_amount <> subtotal + shipping_fee - discount",
		"orders.after_signup":  "SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE o.ordered_at < c.signup_date",
		"shipments.delivered":  "SELECT count(*) FROM shipments WHERE delivered_at < shipped_at",
	}
	for name, q := range checks {
		if n := scalar(t, s, q); n != int64(0) {
			t.Errorf("%s: %v violations", name, n)
		}
	}
	fks := scalar(t, s, "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'")
	if fks.(int64) < 7 {
		t.Errorf("%v foreign keys declared, want at least 7", fks)
	}
}

func TestDemoComments(t *testing.T) {
	s := openDemo(t, Config{})
	res := mustQuery(t, s, "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = ''")
	if len(res.Rows) != 0 {
		t.Errorf("tables without a comment: %v", res.Rows)
	}
	res = mustQuery(t, s, "SELECT table_name || '.' || column_name FROM duckdb_columns() "+
		"WHERE NOT internal AND (comment IS NULL OR comment = '') AND table_name IN (SELECT table_name FROM duckdb_tables())")
	if len(res.Rows) != 0 {
		t.Errorf("columns without a comment: %v", res.Rows)
	}
}

func TestDemoAnswersQuestions(t *testing.T) {
	s := openDemo(t, Config{})
	top := mustQuery(t, s, `SELECT c.customer_id, c.first_name || ' ' || c.last_name AS name, sum(o.total_amount) AS revenue
		FROM orders o JOIN customers c USING (customer_id)
		WHERE o.status IN ('delivered', 'shipped') AND year(o.ordered_at) = 2024
		GROUP BY ALL ORDER BY revenue DESC LIMIT 5`)
	if len(top.Rows) != 5 {
		t.Errorf("top 5 customers in 2024: %v", top.Rows)
	}
	carriers := mustQuery(t, s, `SELECT carrier, avg(delivered_at - shipped_at) AS avg_delivery
		FROM shipments WHERE delivered_at IS NOT NULL GROUP BY carrier ORDER BY carrier`)
	if got := len(carriers.Rows); got != 4 {
		t.Errorf("average delivery time by carrier: %v", carriers.Rows)
	}
	t.Logf("top customers 2024: %v", top.Rows)
	t.Logf("delivery by carrier: %v", carriers.Rows)
	statuses := mustQuery(t, s, "SELECT DISTINCT status FROM orders ORDER BY status")
	want := [][]any{{"cancelled"}, {"delivered"}, {"pending"}, {"processing"}, {"returned"}, {"shipped"}}
	if diff := cmp.Diff(want, statuses.Rows); diff != "" {
		t.Errorf("order statuses (-want +got):\n%s", diff)
	}
	years := mustQuery(t, s, "SELECT DISTINCT year(ordered_at) AS y FROM orders ORDER BY y")
	if diff := cmp.Diff([][]any{{int64(2023)}, {int64(2024)}, {int64(2025)}}, years.Rows); diff != "" {
		t.Errorf("order years (-want +got):\n%s", diff)
	}
}

// demoChecksum digests the text of every row of every demo table.
func demoChecksum(t *testing.T, path string) string {
	s := openSource(t, Config{Path: path})
	var parts []string
	for _, tbl := range demoTables {
		v := scalar(t, s, "SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) FROM "+tbl+" t")
		parts = append(parts, tbl+"="+v.(string))
	}
	return strings.Join(parts, " ")
}

func TestEnsureDemoDeterministic(t *testing.T) {
	a := filepath.Join(t.TempDir(), "a.duckdb")
	b := filepath.Join(t.TempDir(), "b.duckdb")
	start := time.Now()
	if err := EnsureDemo(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	t.Logf("EnsureDemo took %s", time.Since(start))
	if err := EnsureDemo(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if ca, cb := demoChecksum(t, a), demoChecksum(t, b); ca != cb {
		t.Errorf("two generations differ:\n%s\n%s", ca, cb)
	}
}

func TestEnsureDemoKeepsExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.duckdb")
	if err := os.WriteFile(path, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := EnsureDemo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "not a database" {
		t.Errorf("EnsureDemo replaced an existing file")
	}
}

func TestEnsureDemoConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "home")
	path := filepath.Join(dir, "demo.duckdb")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = EnsureDemo(context.Background(), path) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("EnsureDemo #%d: %v", i, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"demo.duckdb"}, names); diff != "" {
		t.Errorf("directory after concurrent EnsureDemo (-want +got):\n%s", diff)
	}
	if got, want := demoChecksum(t, path), demoChecksum(t, demoFile(t)); got != want {
		t.Errorf("concurrently generated demo differs:\n%s\n%s", got, want)
	}
}
