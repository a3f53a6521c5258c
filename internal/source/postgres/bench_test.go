package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

// Run with:
//
//	IOPSDATA_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test -run '^$' -bench . -benchmem ./internal/source/postgres/

func benchQuery(b *testing.B, sql string, lim source.Limits, wantRows int) {
	s, _ := openDB(b, "", nil)
	ctx := b.Context()
	if _, err := s.Query(ctx, sql, lim); err != nil { // connect and warm up
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Query(ctx, sql, lim)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Rows) != wantRows {
			b.Fatalf("%d rows, want %d", len(res.Rows), wantRows)
		}
	}
}

// BenchmarkQuerySmall is the shape of a typical execute_sql call: 99 rows × 3 columns.
func BenchmarkQuerySmall(b *testing.B) {
	benchQuery(b, "SELECT g, 'name '||g, now() FROM generate_series(1,99) g", source.Limits{MaxRows: 200}, 99)
}

// BenchmarkQuery10k is a result at the default row cap: 10,000 rows × 3 columns.
func BenchmarkQuery10k(b *testing.B) {
	benchQuery(b, "SELECT g, 'name '||g, now() FROM generate_series(1,10000) g", source.Limits{MaxRows: 10000}, 10000)
}

// BenchmarkBaselinePgconn is the floor the adapter is measured against: the
// same 99-row statement through bare pgconn (one Parse/Bind/Describe/Execute/
// Sync, no transaction, no decoding).
func BenchmarkBaselinePgconn(b *testing.B) {
	dsn := testutil.PGDatabase(b, "")
	conn, err := pgconn.Connect(b.Context(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	for b.Loop() {
		rr := conn.ExecParams(b.Context(), "SELECT g, 'name '||g, now() FROM generate_series(1,99) g", nil, nil, nil, nil)
		n := 0
		for rr.NextRow() {
			n++
		}
		if _, err := rr.Close(); err != nil || n != 99 {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}
