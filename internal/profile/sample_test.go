package profile

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// within reports whether got is within rel (a fraction) of want.
func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// TestProfileLargePostgresSampled profiles 1.2M rows: the table is sampled
// with TABLESAMPLE, counts are scaled and distinct counts come from pg_stats.
func TestProfileLargePostgresSampled(t *testing.T) {
	if testing.Short() {
		t.Skip("large table")
	}
	const rows = 1_200_000
	src := pgSource(t, `
CREATE TABLE big AS SELECT g AS id, g % 100 AS grp, CASE WHEN g % 10 = 0 THEN NULL ELSE md5(g::text) END AS tag
FROM generate_series(1, 1200000) g;
ANALYZE big;`)
	cs := &counting{Source: src}
	p, err := Table(t.Context(), cs, "big", nil, Options{})
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	if !p.Sampled || !within(p.SampleFraction, float64(DefaultSampleRows)/rows, 0.2) {
		t.Fatalf("sampled %v fraction %v", p.Sampled, p.SampleFraction)
	}
	if !within(float64(p.RowCount), rows, 0.1) {
		t.Errorf("row count %d, want about %d", p.RowCount, rows)
	}
	id, grp, tag := col(t, p, "id"), col(t, p, "grp"), col(t, p, "tag")
	if !id.DistinctApprox || !within(float64(id.DistinctCount), rows, 0.1) || !slices.Contains(id.Hints, HintCandidateKey) {
		t.Errorf("id: distinct %d approx %v hints %v", id.DistinctCount, id.DistinctApprox, id.Hints)
	}
	if id.Mean == nil || !within(*id.Mean, rows/2, 0.1) || id.Min == nil || id.Max == nil {
		t.Errorf("id: mean %v min %v max %v", id.Mean, id.Min, id.Max)
	}
	if grp.DistinctCount != 100 || len(grp.TopValues) != DefaultTopValues || grp.Histogram == nil {
		t.Errorf("grp: distinct %d top %d", grp.DistinctCount, len(grp.TopValues))
	}
	if !within(tag.NullFraction, 0.1, 0.15) || !within(float64(tag.DistinctCount), rows*0.9, 0.1) {
		t.Errorf("tag: null fraction %v distinct %d", tag.NullFraction, tag.DistinctCount)
	}
	if !slices.Contains(tag.Hints, HintHighCardinText) {
		t.Errorf("tag hints %v", tag.Hints)
	}
	t.Logf("profiled %d rows (%d estimated) in %d queries", rows, p.RowCount, cs.n.Load())

	// Unsampled, the profile takes seconds; a deadline stops it in the database.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Table(ctx, src, "big", nil, Options{SampleAbove: 10 * rows})
	if k := source.KindOf(err); k != source.KindTimeout && k != source.KindCanceled {
		t.Errorf("profile past its deadline: %v (kind %q)", err, k)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("cancelled profile took %s", elapsed)
	}
}

// TestProfileDuckDBSampled lowers the sampling threshold so a DuckDB table
// is read through USING SAMPLE.
func TestProfileDuckDBSampled(t *testing.T) {
	const rows = 200_000
	src := duckSource(t, `CREATE TABLE big AS SELECT range AS id, range % 7 AS grp FROM range(200000)`)
	p, err := Table(t.Context(), src, "big", nil, Options{SampleAbove: 10_000, SampleRows: 40_000})
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	if !p.Sampled || p.SampleFraction != 0.2 || !within(float64(p.RowCount), rows, 0.25) {
		t.Fatalf("sampled %v fraction %v rows %d", p.Sampled, p.SampleFraction, p.RowCount)
	}
	grp := col(t, p, "grp")
	if grp.DistinctCount != 7 || !grp.DistinctApprox || len(grp.TopValues) != 7 {
		t.Errorf("grp: distinct %d approx %v top %v", grp.DistinctCount, grp.DistinctApprox, grp.TopValues)
	}
	if id := col(t, p, "id"); !within(float64(id.DistinctCount), rows, 0.25) {
		t.Errorf("id distinct %d", id.DistinctCount)
	}
}

// TestProfileViewWithKnownRows: a view (as over an uploaded file) has no
// row estimate; the caller's known row count makes it sampled like a table,
// and without it the view is profiled whole.
func TestProfileViewWithKnownRows(t *testing.T) {
	const rows = 200_000
	src := duckSource(t, `CREATE TABLE big AS SELECT range AS id, range % 7 AS grp FROM range(200000);
CREATE VIEW v AS SELECT * FROM big`)
	p, err := Table(t.Context(), src, "v", nil, Options{SampleAbove: 10_000, SampleRows: 40_000, KnownRows: rows})
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	if !p.Sampled || p.SampleFraction != 0.2 || !within(float64(p.RowCount), rows, 0.25) {
		t.Fatalf("sampled %v fraction %v rows %d", p.Sampled, p.SampleFraction, p.RowCount)
	}
	if g := col(t, p, "grp"); g.DistinctCount != 7 {
		t.Errorf("grp distinct %d", g.DistinctCount)
	}
	whole, err := Table(t.Context(), src, "v", nil, Options{SampleAbove: 10_000})
	if err != nil || whole.Sampled || whole.RowCount != rows {
		t.Fatalf("without KnownRows: sampled %v rows %d err %v", whole.Sampled, whole.RowCount, err)
	}
}

// pgbenchSQL is pgbench -i -s 10's pgbench_accounts: 1M rows.
const pgbenchSQL = `
CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
INSERT INTO pgbench_accounts SELECT aid, (aid - 1) / 100000 + 1, 0, '' FROM generate_series(1, 1000000) aid;
ANALYZE pgbench_accounts;`

// BenchmarkPgbenchAccounts profiles pgbench_accounts (issue 5: ≤ 2 s).
func BenchmarkPgbenchAccounts(b *testing.B) {
	src := pgSource(b, pgbenchSQL)
	logged := false
	for b.Loop() {
		p, err := Table(b.Context(), src, "pgbench_accounts", nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if p.RowCount < 900_000 {
			b.Fatalf("row count %d", p.RowCount)
		}
		if !logged {
			b.Logf("sampled %v (fraction %v)", p.Sampled, p.SampleFraction)
			logged = true
		}
	}
}
