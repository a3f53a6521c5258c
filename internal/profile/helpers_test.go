package profile

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"sync/atomic"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/internal/source/postgres"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

// fixtureRows is the row count of the "people" fixture; i runs 1 … 20.
const fixtureRows = 20

// fixtureSQL builds the same "people" table in PostgreSQL and DuckDB, with
// statistics the tests derive from i.
const fixtureSQL = `
CREATE TABLE people AS
SELECT i AS id,
  i % 3 AS grp,
  CASE WHEN i % 5 = 0 THEN NULL ELSE CAST(i * 1.5 AS DECIMAL(10,2)) END AS amount,
  CAST(i * 0.5 AS DOUBLE PRECISION) AS score,
  'n' || CAST(i % 4 AS VARCHAR) AS name,
  DATE '2024-01-01' + i AS born,
  TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1 hour' AS seen,
  i % 2 = 0 AS active,
  'user' || CAST(i AS VARCHAR) || '@example.com' AS email,
  lpad(CAST(i AS VARCHAR), 8, '0') || '-0000-4000-8000-00000000000a' AS uid,
  'https://example.com/p/' || CAST(i AS VARCHAR) AS site,
  CAST(DATE '2024-01-01' + i AS VARCHAR) AS day_text,
  CAST(i * 2 AS VARCHAR) AS num_text,
  'same' AS konst,
  CASE WHEN i = 7 THEN 42 ELSE NULL END AS sparse
FROM (SELECT CAST(g AS INTEGER) AS i FROM generate_series(1, 20) AS s(g)) t;
CREATE TABLE empty AS SELECT * FROM people WHERE false;
`

// duckSource writes setup into a new DuckDB file and opens it read-only.
func duckSource(t testing.TB, setup string) source.Source {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatalf("open fixture: %v", err)
	}
	if _, err := db.Exec(setup); err != nil {
		db.Close()
		t.Fatalf("fixture: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close fixture: %v", err)
	}
	src, err := duckdb.Open(context.Background(), duckdb.Config{Path: path})
	if err != nil {
		t.Fatalf("duckdb.Open: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// pgSource creates a PostgreSQL database with setup (skipping without
// IOPSDATA_TEST_PG) and opens a source on it.
func pgSource(t testing.TB, setup string) source.Source {
	t.Helper()
	dsn := testutil.PGDatabase(t, setup)
	src, err := postgres.Open(postgres.Config{DSN: dsn})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// counting counts the queries a Source runs.
type counting struct {
	source.Source
	n atomic.Int64
}

func (c *counting) Query(ctx context.Context, sql string, lim source.Limits, args ...any) (*source.Result, error) {
	c.n.Add(1)
	return c.Source.Query(ctx, sql, lim, args...)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

// quantile interpolates linearly in sorted xs, like percentile_cont.
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := math.Floor(pos)
	if int(lo)+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[int(lo)] + (pos-lo)*(xs[int(lo)+1]-xs[int(lo)])
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func col(t *testing.T, p *Profile, name string) Column {
	t.Helper()
	for _, c := range p.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %q in profile", name)
	return Column{}
}
