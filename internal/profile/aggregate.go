package profile

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/source"
)

// distinctMode says how a column's distinct count is obtained.
type distinctMode int

const (
	distinctExact  distinctMode = iota // count(DISTINCT) (on the sample when sampled)
	distinctApprox                     // the engine's approx_count_distinct
	distinctStats                      // pg_stats.n_distinct
)

// aggsPerColumn is the number of aggregate expressions per column: count,
// distinct, min, max, mean, stddev, quartiles, min and max as doubles.
const aggsPerColumn = 9

// hintSampleRows is the number of rows whose text values are matched
// against the hint patterns.
const hintSampleRows = 1000

// plan carries one profile through its queries.
type plan struct {
	d          *dialect
	td         *catalog.TableDetail
	opt        Options
	p          *Profile
	from       string  // the table, with its sampling clause when sampled
	large      bool    // more rows than Options.ExactDistinctBelow
	factor     float64 // sampled: table rows per sampled row; 0 otherwise
	stats      map[string]float64
	mode       []distinctMode
	nonNull    []int64    // non-null values read (in the sample when sampled)
	fmin       []*float64 // min and max as doubles (epoch seconds for dates)
	fmax       []*float64
	hintCounts [][]int64 // text columns: values checked, then matches per pattern
}

func newPlan(d *dialect, td *catalog.TableDetail, opt Options, p *Profile) *plan {
	n := len(p.Columns)
	pl := &plan{d: d, td: td, opt: opt, p: p, from: ident(td.Schema) + "." + ident(td.Name),
		mode: make([]distinctMode, n), nonNull: make([]int64, n),
		fmin: make([]*float64, n), fmax: make([]*float64, n), hintCounts: make([][]int64, n)}
	est := td.RowEstimate
	sampleable := td.Kind == catalog.KindTable || td.Kind == catalog.KindMaterializedView || opt.KnownRows > 0
	if sampleable && est > opt.SampleAbove {
		p.Sampled = true
		p.SampleFraction = min(1, float64(opt.SampleRows)/float64(est))
		pl.from = d.sample(pl.from, p.SampleFraction*100)
	}
	pl.large = est > opt.ExactDistinctBelow
	return pl
}

const pgStatsSQL = `SELECT attname::text, n_distinct::float8 FROM pg_catalog.pg_stats
WHERE schemaname = $1 AND tablename = $2 ORDER BY inherited`

// loadStats reads planner distinct estimates for large PostgreSQL tables
// and decides how each distinct count is computed.
func (pl *plan) loadStats(ctx context.Context, src source.Source) error {
	if pl.large && pl.d.hasStat {
		res, err := src.Query(ctx, pgStatsSQL, pl.limits(10_000), pl.td.Schema, pl.td.Name)
		if err != nil {
			return fmt.Errorf("profile: planner statistics: %w", err)
		}
		pl.stats = map[string]float64{}
		for _, r := range res.Rows {
			name, _ := r[0].(string)
			if f, ok := toFloat(r[1]); ok && f != 0 { // 0: unknown
				if _, dup := pl.stats[name]; !dup {
					pl.stats[name] = f
				}
			}
		}
	}
	for i, c := range pl.p.Columns {
		switch _, ok := pl.stats[c.Name]; {
		case !pl.large:
			pl.mode[i] = distinctExact
		case pl.d.approx != nil:
			pl.mode[i] = distinctApprox
		case ok:
			pl.mode[i] = distinctStats
		}
	}
	return nil
}

func (pl *plan) limits(rows int) source.Limits {
	return source.Limits{MaxRows: rows, MaxBytes: 256 << 20, Timeout: pl.opt.Timeout}
}

// column is the alias of the i-th profiled column inside the queries.
func column(i int) string { return "c" + strconv.Itoa(i) }

// projection selects the profiled columns as c0, c1, …; columns of other
// types are read as text.
func (pl *plan) projection() string {
	proj := make([]string, 0, len(pl.p.Columns))
	for i, c := range pl.p.Columns {
		q := ident(c.Name)
		if c.kind == kindOther {
			q = "CAST(" + q + " AS " + pl.d.text + ")"
		}
		proj = append(proj, q+" AS "+column(i))
	}
	if len(proj) == 0 {
		proj = append(proj, "1 AS c")
	}
	return "SELECT " + strings.Join(proj, ", ") + " FROM " + pl.from
}

// aggregate runs the one query that computes every scalar statistic.
func (pl *plan) aggregate(ctx context.Context, src source.Source) error {
	sel := []string{"count(*)"}
	for i, c := range pl.p.Columns {
		sel = append(sel, pl.columnAggs(column(i), c.kind, pl.mode[i])...)
	}
	hintSQL, textCols := pl.hintQuery()
	if hintSQL != "" {
		sel = append(sel, hintSQL)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM (" + pl.projection() + ") s"
	res, err := src.Query(ctx, sql, pl.limits(1))
	if err != nil {
		return fmt.Errorf("profile: aggregate: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != len(sel) {
		return fmt.Errorf("profile: aggregate: unexpected result shape")
	}
	row := res.Rows[0]
	pl.decode(row)
	if hintSQL != "" {
		counts, _ := row[len(row)-1].([]any)
		per := len(patterns) + 1
		for j, i := range textCols {
			if len(counts) >= (j+1)*per {
				pl.hintCounts[i] = toInts(counts[j*per : (j+1)*per])
			}
		}
	}
	return nil
}

func (pl *plan) columnAggs(v string, k kind, mode distinctMode) []string {
	out := []string{"count(" + v + ")", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"}
	switch mode {
	case distinctExact:
		out[1] = "count(DISTINCT " + v + ")"
	case distinctApprox:
		out[1] = pl.d.approx(v)
	}
	switch {
	case k == kindBool:
		out[2], out[3] = "bool_and("+v+")", "bool_or("+v+")"
	case k.ordered():
		out[2], out[3] = "min("+v+")", "max("+v+")"
	}
	if k.numeric() {
		out[4] = "CAST(avg(" + v + ") AS " + pl.d.double + ")"
		out[5] = "CAST(stddev_samp(" + v + ") AS " + pl.d.double + ")"
	}
	if k.numeric() || k.temporal() {
		out[6] = pl.d.quant(v, k.numeric())
		x := pl.d.toDouble(v, k)
		out[7], out[8] = "min("+x+")", "max("+x+")"
	}
	return out
}

// decode fills the profile from the aggregate row, scaling counts up from
// a sample.
func (pl *plan) decode(row []any) {
	p := pl.p
	n := toInt(row[0])
	if p.Sampled && n > 0 {
		// The planner's estimate sized the sample; the sample's own count
		// over the fraction is noisier (SYSTEM sampling reads whole pages).
		pl.factor = float64(pl.td.RowEstimate) / float64(n)
	}
	p.RowCount = pl.scale(n)
	for i := range p.Columns {
		c := &p.Columns[i]
		r := row[1+i*aggsPerColumn : 1+(i+1)*aggsPerColumn]
		pl.nonNull[i] = toInt(r[0])
		c.NullCount = pl.scale(n - pl.nonNull[i])
		if p.RowCount > 0 {
			c.NullFraction = float64(c.NullCount) / float64(p.RowCount)
		}
		c.DistinctCount, c.DistinctApprox = pl.distinct(i, r[1])
		c.Min, c.Max = r[2], r[3]
		c.Mean, c.Stddev = floatPtr(r[4]), floatPtr(r[5])
		if q, ok := r[6].([]any); ok && len(q) == 3 {
			c.Quantiles = &Quantiles{P25: q[0], P50: q[1], P75: q[2]}
		}
		pl.fmin[i], pl.fmax[i] = floatPtr(r[7]), floatPtr(r[8])
	}
}

// distinct turns the distinct value of the aggregate into a count for the
// whole table and says whether it is approximate.
func (pl *plan) distinct(i int, v any) (int64, bool) {
	nonNull := pl.p.RowCount - pl.p.Columns[i].NullCount
	var d int64
	switch pl.mode[i] {
	case distinctStats:
		nd := pl.stats[pl.p.Columns[i].Name]
		if nd < 0 {
			nd = -nd * float64(pl.p.RowCount)
		}
		d = int64(math.Round(nd))
	default:
		d = toInt(v)
		if pl.p.Sampled {
			d = scaleDistinct(d, pl.nonNull[i], nonNull)
		}
	}
	d = min(d, nonNull)
	if nonNull > 0 {
		d = max(d, 1)
	}
	return d, pl.mode[i] != distinctExact || pl.p.Sampled
}

// scaleDistinct estimates a table's distinct count from a sample's: a
// column whose sampled values are (nearly) all different is taken to stay
// so; otherwise the sample's count is kept, a lower bound.
func scaleDistinct(d, sampled, total int64) int64 {
	if sampled > 0 && float64(d) >= 0.95*float64(sampled) {
		return max(d, int64(math.Round(float64(d)/float64(sampled)*float64(total))))
	}
	return d
}

// scale converts a count in the sample to the table.
func (pl *plan) scale(n int64) int64 {
	if pl.factor == 0 {
		return n
	}
	return int64(math.Round(float64(n) * pl.factor))
}
