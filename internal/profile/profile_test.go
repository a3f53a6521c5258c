package profile

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/source"
)

func engines() map[string]func(testing.TB, string) source.Source {
	return map[string]func(testing.TB, string) source.Source{"duckdb": duckSource, "postgres": pgSource}
}

// series returns f(i) for i = 1 … fixtureRows, skipping i where skip is true.
func series(f func(i int) float64, skip func(i int) bool) []float64 {
	var out []float64
	for i := 1; i <= fixtureRows; i++ {
		if skip == nil || !skip(i) {
			out = append(out, f(i))
		}
	}
	return out
}

func TestProfileKnownStatistics(t *testing.T) {
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			p, err := Table(t.Context(), open(t, fixtureSQL), "people", nil, Options{})
			if err != nil {
				t.Fatalf("Table: %v", err)
			}
			if p.RowCount != fixtureRows || p.Sampled || p.SampleFraction != 1 || len(p.Columns) != 15 {
				t.Fatalf("rows %d sampled %v fraction %v columns %d", p.RowCount, p.Sampled, p.SampleFraction, len(p.Columns))
			}
			checkNumbers(t, p)
			checkScalars(t, p)
			checkTopValues(t, p)
			checkHints(t, p)
			checkHistograms(t, p)
		})
	}
}

func checkNumbers(t *testing.T, p *Profile) {
	ids := series(func(i int) float64 { return float64(i) }, nil)
	amounts := series(func(i int) float64 { return float64(i) * 1.5 }, func(i int) bool { return i%5 == 0 })
	scores := series(func(i int) float64 { return float64(i) * 0.5 }, nil)
	for _, tc := range []struct {
		name string
		xs   []float64
	}{{"id", ids}, {"amount", amounts}, {"score", scores}} {
		c := col(t, p, tc.name)
		if c.Mean == nil || !near(*c.Mean, mean(tc.xs)) || c.Stddev == nil || !near(*c.Stddev, stddev(tc.xs)) {
			t.Errorf("%s: mean %v stddev %v, want %v %v", tc.name, c.Mean, c.Stddev, mean(tc.xs), stddev(tc.xs))
		}
		q := c.Quantiles
		if q == nil {
			t.Errorf("%s: no quantiles", tc.name)
			continue
		}
		for i, got := range []any{q.P25, q.P50, q.P75} {
			want := quantile(tc.xs, []float64{0.25, 0.5, 0.75}[i])
			if f, ok := got.(float64); !ok || !near(f, want) {
				t.Errorf("%s: quantile %d = %v, want %v", tc.name, i, got, want)
			}
		}
	}
	born := col(t, p, "born").Quantiles
	if born == nil || born.P25 != "2024-01-06" || born.P50 != "2024-01-11" || born.P75 != "2024-01-16" {
		t.Errorf("born quantiles %+v", born)
	}
}

func checkScalars(t *testing.T, p *Profile) {
	type scalars struct {
		Nulls, Distinct int64
		NullFraction    float64
		Min, Max        any
	}
	want := map[string]scalars{
		"id":       {0, 20, 0, int64(1), int64(20)},
		"grp":      {0, 3, 0, int64(0), int64(2)},
		"amount":   {4, 16, 0.2, "1.50", "28.50"},
		"score":    {0, 20, 0, 0.5, 10.0},
		"name":     {0, 4, 0, "n0", "n3"},
		"born":     {0, 20, 0, "2024-01-02", "2024-01-21"},
		"seen":     {0, 20, 0, "2024-01-01T01:00:00", "2024-01-01T20:00:00"},
		"active":   {0, 2, 0, false, true},
		"konst":    {0, 1, 0, "same", "same"},
		"sparse":   {19, 1, 0.95, int64(42), int64(42)},
		"num_text": {0, 20, 0, "10", "8"},
	}
	for name, w := range want {
		c := col(t, p, name)
		got := scalars{c.NullCount, c.DistinctCount, c.NullFraction, c.Min, c.Max}
		if diff := cmp.Diff(w, got); diff != "" || c.DistinctApprox {
			t.Errorf("%s (approx %v): -want +got\n%s", name, c.DistinctApprox, diff)
		}
	}
	if c := col(t, p, "name"); c.Mean != nil || c.Quantiles != nil || c.Histogram != nil {
		t.Errorf("name: numeric statistics on text: %+v", c)
	}
}

func checkTopValues(t *testing.T, p *Profile) {
	want := map[string][]ValueCount{
		"grp":    {{int64(1), 7}, {int64(2), 7}, {int64(0), 6}},
		"name":   {{"n0", 5}, {"n1", 5}, {"n2", 5}, {"n3", 5}},
		"active": {{false, 10}, {true, 10}},
		"konst":  {{"same", 20}},
		"id":     {},
		"sparse": {},
		"amount": {},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, col(t, p, name).TopValues); diff != "" {
			t.Errorf("%s top values: -want +got\n%s", name, diff)
		}
	}
}

func checkHints(t *testing.T, p *Profile) {
	want := map[string][]string{
		"id":       {HintCandidateKey},
		"grp":      nil,
		"amount":   nil,
		"name":     nil,
		"born":     {HintCandidateKey},
		"active":   nil,
		"email":    {HintEmail, HintCandidateKey},
		"uid":      {HintUUID, HintCandidateKey},
		"site":     {HintURL, HintCandidateKey},
		"day_text": {HintDateAsText, HintCandidateKey},
		"num_text": {HintNumberAsText, HintCandidateKey},
		"konst":    {HintConstant},
		"sparse":   {HintConstant, HintMostlyNull},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, col(t, p, name).Hints); diff != "" {
			t.Errorf("%s hints: -want +got\n%s", name, diff)
		}
	}
}

func checkHistograms(t *testing.T, p *Profile) {
	var counts []int64
	for _, b := range col(t, p, "grp").Histogram {
		counts = append(counts, b.Count)
	}
	if diff := cmp.Diff([]int64{6, 0, 0, 0, 0, 7, 0, 0, 0, 7}, counts); diff != "" {
		t.Errorf("grp histogram: -want +got\n%s", diff)
	}
	h := col(t, p, "born").Histogram
	if len(h) != DefaultHistogramBuckets || h[0].Low != "2024-01-02" || h[len(h)-1].High != "2024-01-21" {
		t.Errorf("born histogram bounds: %+v", h)
	}
	for _, name := range []string{"id", "amount", "score", "born", "seen"} {
		total, c := int64(0), col(t, p, name)
		for _, b := range c.Histogram {
			total += b.Count
		}
		if total != p.RowCount-c.NullCount {
			t.Errorf("%s histogram holds %d values, want %d", name, total, p.RowCount-c.NullCount)
		}
	}
	if h := col(t, p, "name").Histogram; h != nil {
		t.Errorf("text histogram: %+v", h)
	}
}

func TestProfileSubsetEmptyAndErrors(t *testing.T) {
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			src := open(t, fixtureSQL)
			p, err := Table(t.Context(), src, "people", []string{"NAME", "grp"}, Options{})
			if err != nil {
				t.Fatalf("subset: %v", err)
			}
			if len(p.Columns) != 2 || p.Columns[0].Name != "name" || p.Columns[1].Name != "grp" || p.RowCount != fixtureRows {
				t.Errorf("subset: %+v", p)
			}
			if _, err := Table(t.Context(), src, "people", []string{"nope"}, Options{}); !errors.Is(err, ErrNoColumn) {
				t.Errorf("unknown column: %v", err)
			}
			var nf *catalog.NotFoundError
			if _, err := Table(t.Context(), src, "no_such_table", nil, Options{}); !errors.As(err, &nf) {
				t.Errorf("unknown table: %v", err)
			}
			e, err := Table(t.Context(), src, "empty", nil, Options{})
			if err != nil {
				t.Fatalf("empty: %v", err)
			}
			for _, c := range e.Columns {
				if e.RowCount != 0 || c.NullCount != 0 || c.DistinctCount != 0 || c.Min != nil || c.Mean != nil ||
					c.Quantiles != nil || len(c.TopValues) != 0 || c.Histogram != nil || c.Hints != nil {
					t.Errorf("empty %s: %+v", c.Name, c)
				}
			}
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if _, err := Table(ctx, src, "people", nil, Options{}); err == nil {
				t.Errorf("cancelled context: no error")
			}
		})
	}
}

// TestQueriesConstantInColumns profiles 2 and 15 columns and expects the
// same number of queries.
func TestQueriesConstantInColumns(t *testing.T) {
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			src := &counting{Source: open(t, fixtureSQL)}
			if _, err := Table(t.Context(), src, "people", []string{"id", "grp"}, Options{}); err != nil {
				t.Fatal(err)
			}
			few := src.n.Swap(0)
			if _, err := Table(t.Context(), src, "people", nil, Options{}); err != nil {
				t.Fatal(err)
			}
			if all := src.n.Load(); all != few || all > 6 {
				t.Errorf("queries: %d for 2 columns, %d for 15", few, all)
			}
		})
	}
}

// Columns of types without an order (json, arrays, blobs, …) are profiled
// as text: counts, distinct values and top values, no min or max.
func TestProfileOtherTypes(t *testing.T) {
	setups := map[string]string{
		"duckdb": `CREATE TABLE odd AS SELECT
  CAST('{"a": ' || CAST(i % 2 AS VARCHAR) || '}' AS JSON) AS doc,
  [i % 2, 1] AS list, {'k': i % 2} AS rec, CAST('ab' AS BLOB) AS bin,
  INTERVAL 1 DAY * (i % 2) AS span, uuid() AS id, TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL 1 DAY * i AS at
FROM range(1, 5) t(i)`,
		"postgres": `CREATE TABLE odd AS SELECT
  ('{"a": ' || i % 2 || '}')::json AS doc, ARRAY[i % 2, 1] AS list, '\xab'::bytea AS bin,
  make_interval(days => i % 2) AS span, gen_random_uuid() AS id,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + make_interval(days => i) AS at
FROM generate_series(1, 4) i`,
	}
	for name, open := range engines() {
		t.Run(name, func(t *testing.T) {
			p, err := Table(t.Context(), open(t, setups[name]), "odd", nil, Options{})
			if err != nil {
				t.Fatalf("Table: %v", err)
			}
			for _, c := range p.Columns {
				switch c.Name {
				case "at":
					if c.Min != "2024-01-02T00:00:00Z" || c.Quantiles == nil || len(c.Histogram) != DefaultHistogramBuckets {
						t.Errorf("at: min %v quantiles %v histogram %v", c.Min, c.Quantiles, c.Histogram)
					}
				case "bin":
					if c.DistinctCount != 1 || len(c.TopValues) != 1 || c.TopValues[0].Count != 4 {
						t.Errorf("bin: %+v", c)
					}
				case "id":
					if c.DistinctCount != 4 || c.Min != nil {
						t.Errorf("id: %+v", c)
					}
				default:
					if c.DistinctCount != 2 || len(c.TopValues) != 2 || c.Min != nil {
						t.Errorf("%s: %+v", c.Name, c)
					}
				}
			}
		})
	}
}

// The JSON field names are the profile tool's contract (DESIGN §5).
func TestProfileJSONNames(t *testing.T) {
	p, err := Table(t.Context(), duckSource(t, fixtureSQL), "people", []string{"id"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"row_count", "sampled", "sample_fraction", "columns", "name", "type", "null_count",
		"null_fraction", "distinct_count", "distinct_approx", "min", "max", "mean", "stddev", "quantiles", "p25",
		"p50", "p75", "top_values", "histogram", "low", "high", "count", "hints"} {
		if !strings.Contains(string(b), `"`+key+`":`) {
			t.Errorf("no %q in %s", key, b)
		}
	}
}
