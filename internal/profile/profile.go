// Package profile computes column statistics for one table on any source:
// counts, nulls, distinct values, min, max, mean, standard deviation,
// quartiles, top values, histograms and hints about what a column holds.
//
// A profile costs a constant number of queries whatever the number of
// columns: the catalog lookup (catalog.DescribeTable), one row-estimate
// statistics query on large PostgreSQL tables, one aggregate query for every
// scalar statistic of every column, and one GROUPING SETS query for top
// values and histograms. Large tables are sampled (TABLESAMPLE SYSTEM in
// PostgreSQL, USING SAMPLE in DuckDB) and the profile says so.
package profile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/source"
)

// Defaults applied when an Options field is zero.
const (
	DefaultSampleAbove        = 1_000_000
	DefaultSampleRows         = 100_000
	DefaultExactDistinctBelow = 100_000
	DefaultTopValues          = 10
	DefaultHistogramBuckets   = 10
	DefaultTimeout            = 60 * time.Second
)

// Options tune a profile. Zero values mean the defaults above.
type Options struct {
	// SampleAbove is the estimated row count above which a table is sampled.
	SampleAbove int64
	// SampleRows is the number of rows a sample aims at.
	SampleRows int64
	// ExactDistinctBelow is the estimated row count up to which distinct
	// counts are exact; above it they come from planner statistics
	// (PostgreSQL) or approx_count_distinct (DuckDB) and are marked approximate.
	ExactDistinctBelow int64
	// TopValues is the number of most frequent values kept per column.
	TopValues int
	// HistogramBuckets is the number of equal-width histogram buckets.
	HistogramBuckets int
	// Timeout bounds each query.
	Timeout time.Duration
	// KnownRows is the row count when the caller knows it and the catalog
	// cannot (a view over an uploaded file, whose rows were counted when
	// it was added). It sizes sampling like a table's row estimate, so a
	// 10-million-row file is sampled instead of aggregated whole.
	KnownRows int64
}

func (o Options) withDefaults() Options {
	if o.SampleAbove <= 0 {
		o.SampleAbove = DefaultSampleAbove
	}
	if o.SampleRows <= 0 {
		o.SampleRows = DefaultSampleRows
	}
	if o.ExactDistinctBelow <= 0 {
		o.ExactDistinctBelow = DefaultExactDistinctBelow
	}
	if o.TopValues <= 0 {
		o.TopValues = DefaultTopValues
	}
	if o.HistogramBuckets <= 0 {
		o.HistogramBuckets = DefaultHistogramBuckets
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Profile is the statistics of one table. When Sampled, every count
// (row_count, null_count, distinct_count, top value and histogram counts)
// is scaled up from the sample to the whole table.
type Profile struct {
	Table          string   `json:"table"`
	RowCount       int64    `json:"row_count"`
	Sampled        bool     `json:"sampled"`
	SampleFraction float64  `json:"sample_fraction"` // 1 when not sampled
	Columns        []Column `json:"columns"`
}

// Column is the statistics of one column. Min, Max, quantiles of dates and
// timestamps, top values and histogram bounds of dates are encoded like
// execute_sql values (source.Encoding). Stddev is the sample standard
// deviation; quantiles interpolate linearly for numbers and pick an existing
// value for dates and timestamps.
type Column struct {
	Name           string       `json:"name"`
	Type           string       `json:"type"`
	NullCount      int64        `json:"null_count"`
	NullFraction   float64      `json:"null_fraction"`
	DistinctCount  int64        `json:"distinct_count"`
	DistinctApprox bool         `json:"distinct_approx"`
	Min            any          `json:"min"`
	Max            any          `json:"max"`
	Mean           *float64     `json:"mean"`
	Stddev         *float64     `json:"stddev"`
	Quantiles      *Quantiles   `json:"quantiles"`
	TopValues      []ValueCount `json:"top_values"`
	Histogram      []Bucket     `json:"histogram,omitempty"`
	Hints          []string     `json:"hints,omitempty"`

	kind kind
}

// Quantiles are the quartiles of the non-null values.
type Quantiles struct {
	P25 any `json:"p25"`
	P50 any `json:"p50"`
	P75 any `json:"p75"`
}

// ValueCount is one frequent value and how many rows hold it.
type ValueCount struct {
	Value any   `json:"value"`
	Count int64 `json:"count"`
}

// Bucket is one histogram bucket: values v with Low <= v < High (the last
// bucket includes High).
type Bucket struct {
	Low   any   `json:"low"`
	High  any   `json:"high"`
	Count int64 `json:"count"`
}

// ErrNoColumn is returned when a requested column does not exist.
var ErrNoColumn = errors.New("no such column")

// Table profiles table (named as describe_table accepts it), restricted to
// columns when that is not empty. Errors from resolving the table (such as
// *catalog.NotFoundError) pass through wrapped.
func Table(ctx context.Context, src source.Source, table string, columns []string, opt Options) (*Profile, error) {
	opt = opt.withDefaults()
	d, err := dialectFor(src.Engine())
	if err != nil {
		return nil, err
	}
	td, err := catalog.DescribeTable(ctx, src, table, 0)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if td.RowEstimate < 0 && opt.KnownRows > 0 {
		td.RowEstimate = opt.KnownRows
	}
	cols, err := pick(td.Columns, columns)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", td.QualifiedName(), err)
	}
	p := &Profile{Table: td.QualifiedName(), SampleFraction: 1, Columns: cols}
	plan := newPlan(d, td, opt, p)
	if err := plan.loadStats(ctx, src); err != nil {
		return nil, err
	}
	if err := plan.aggregate(ctx, src); err != nil {
		return nil, err
	}
	if err := plan.values(ctx, src); err != nil {
		return nil, err
	}
	for i := range p.Columns {
		p.Columns[i].Hints = hints(&p.Columns[i], p.RowCount, plan.hintCounts[i])
	}
	return p, nil
}

// pick returns the columns to profile, in the order asked (table order
// when want is empty). Names match exactly, else case-insensitively when
// that is unambiguous.
func pick(all []catalog.Column, want []string) ([]Column, error) {
	mk := func(c catalog.Column) Column {
		return Column{Name: c.Name, Type: c.Type, kind: kindOf(c.Type), TopValues: []ValueCount{}}
	}
	if len(want) == 0 {
		out := make([]Column, len(all))
		for i, c := range all {
			out[i] = mk(c)
		}
		return out, nil
	}
	out := make([]Column, 0, len(want))
	seen := map[string]bool{}
	for _, w := range want {
		c, ok := findColumn(all, w)
		if !ok {
			return nil, fmt.Errorf("%w %q", ErrNoColumn, w)
		}
		if !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, mk(c))
		}
	}
	return out, nil
}

func findColumn(all []catalog.Column, name string) (catalog.Column, bool) {
	var fold []catalog.Column
	for _, c := range all {
		if c.Name == name {
			return c, true
		}
		if strings.EqualFold(c.Name, name) {
			fold = append(fold, c)
		}
	}
	if len(fold) == 1 {
		return fold[0], true
	}
	return catalog.Column{}, false
}
