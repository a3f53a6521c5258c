package profile

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// set is one grouping set of the values query: the top values of a column,
// or the histogram buckets of a numeric or temporal column.
type set struct {
	col     int
	hist    bool
	lo, w   float64 // histogram: first bound and bucket width
	hi      float64
	buckets int
}

// valueSets lists the grouping sets: top values for every column whose
// values repeat, then histograms. Columns whose values are all distinct get
// no top values (every count would be 1).
func (pl *plan) valueSets() []set {
	var sets []set
	for i := range pl.p.Columns {
		if pl.nonNull[i] > 0 && !pl.allDistinct(i) {
			sets = append(sets, set{col: i})
		}
	}
	for i, c := range pl.p.Columns {
		if !(c.kind.numeric() || c.kind.temporal()) || pl.fmin[i] == nil || pl.fmax[i] == nil {
			continue
		}
		s := set{col: i, hist: true, lo: *pl.fmin[i], hi: *pl.fmax[i], buckets: pl.opt.HistogramBuckets}
		if s.hi <= s.lo {
			s.buckets, s.w = 1, 1
		} else {
			s.w = (s.hi - s.lo) / float64(s.buckets)
		}
		sets = append(sets, s)
	}
	return sets
}

// allDistinct reports whether a column's values are all different.
func (pl *plan) allDistinct(i int) bool {
	c := pl.p.Columns[i]
	return isUnique(&c, pl.p.RowCount-c.NullCount)
}

// values runs the one query for top values and histograms.
func (pl *plan) values(ctx context.Context, src source.Source) error {
	sets := pl.valueSets()
	if pl.p.RowCount == 0 || len(sets) == 0 {
		return nil
	}
	sql, maxRows := pl.valuesSQL(sets)
	res, err := src.Query(ctx, sql, pl.limits(maxRows))
	if err != nil {
		return fmt.Errorf("profile: top values: %w", err)
	}
	if res.Truncated {
		return fmt.Errorf("profile: top values: more than %d rows; profile fewer columns at a time", len(res.Rows))
	}
	counts := make([][]int64, len(sets))
	for _, r := range res.Rows {
		k := int(toInt(r[0]))
		if k < 0 || k >= len(sets) {
			continue
		}
		s, v, n := sets[k], r[1+k], pl.scale(toInt(r[len(r)-1]))
		c := &pl.p.Columns[s.col]
		if !s.hist {
			c.TopValues = append(c.TopValues, ValueCount{Value: v, Count: n})
			continue
		}
		if counts[k] == nil {
			counts[k] = make([]int64, s.buckets)
		}
		if b := int(toInt(v)); b >= 0 && b < s.buckets {
			counts[k][b] = n
		}
	}
	for k, s := range sets {
		if s.hist {
			pl.p.Columns[s.col].Histogram = histogram(s, pl.p.Columns[s.col].kind, counts[k])
		}
	}
	return nil
}

func histogram(s set, k kind, counts []int64) []Bucket {
	out := make([]Bucket, s.buckets)
	for b := range out {
		lo, hi := s.lo+float64(b)*s.w, s.lo+float64(b+1)*s.w
		if b == s.buckets-1 {
			hi = s.hi
		}
		out[b] = Bucket{Low: boundValue(lo, k), High: boundValue(hi, k)}
		if b < len(counts) {
			out[b].Count = counts[b]
		}
	}
	return out
}

// valuesSQL builds the GROUPING SETS query. Each set groups its own alias
// g<k>; the set a row belongs to is the one whose alias is grouped.
// OFFSET 0 keeps the projection a subquery, so that PostgreSQL estimates
// 200 groups for a bucket expression rather than its column's distinct
// count: with a million it sorted instead of hashing, and the inflated cost
// switched JIT compilation on, which together doubled the time.
func (pl *plan) valuesSQL(sets []set) (string, int) {
	proj := make([]string, len(sets))
	aliases := make([]string, len(sets))
	var which, having strings.Builder
	which.WriteString("CASE")
	maxRows, topSets := 0, 0
	for k, s := range sets {
		g := "g" + strconv.Itoa(k)
		aliases[k] = g
		c := pl.p.Columns[s.col]
		x := ident(c.Name)
		switch {
		case s.hist:
			maxRows += s.buckets
			proj[k] = pl.bucket(pl.d.toDouble(x, c.kind), s) + " AS " + g
		default:
			topSets++
			maxRows += pl.opt.TopValues
			if c.kind == kindOther {
				x = "CAST(" + x + " AS " + pl.d.text + ")"
			}
			proj[k] = x + " AS " + g
		}
		fmt.Fprintf(&which, " WHEN GROUPING(%s) = 0 THEN %d", g, k)
		if k > 0 {
			having.WriteString(" OR ")
		}
		fmt.Fprintf(&having, "(GROUPING(%s) = 0 AND %s IS NOT NULL)", g, g)
	}
	which.WriteString(" END")
	list := strings.Join(aliases, ", ")
	sql := "SELECT k, " + list + ", n FROM (SELECT " + which.String() + " AS k, " + list +
		", count(*) AS n, row_number() OVER (PARTITION BY " + which.String() +
		" ORDER BY count(*) DESC, " + list + ") AS r FROM (SELECT " + strings.Join(proj, ", ") +
		" FROM " + pl.from + " OFFSET 0) s GROUP BY GROUPING SETS ((" + strings.Join(aliases, "), (") +
		")) HAVING " + having.String() + ") x WHERE r <= " + strconv.Itoa(pl.opt.TopValues) +
		" OR k >= " + strconv.Itoa(topSets) + " ORDER BY k, r"
	return sql, maxRows
}

// bucket is the histogram bucket (0 … buckets-1) of the double x.
func (pl *plan) bucket(x string, s set) string {
	dbl := func(f float64) string { return "CAST(" + number(f) + " AS " + pl.d.double + ")" }
	last := strconv.Itoa(s.buckets - 1)
	// greatest and least skip NULLs: a NULL must stay out of every bucket.
	return "CASE WHEN " + x + " IS NOT NULL THEN greatest(0, least(" + last + ", CAST(floor((" + x +
		" - " + dbl(s.lo) + ") / " + dbl(s.w) + ") AS INTEGER))) END"
}

// toInt reads a count: int64, or a decimal string beyond 2^53.
func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func toInts(vs []any) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = toInt(v)
	}
	return out
}

// toFloat reads a finite double (NaN and infinities arrive as strings).
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case int64:
		return float64(x), true
	}
	return 0, false
}

func floatPtr(v any) *float64 {
	if f, ok := toFloat(v); ok {
		return &f
	}
	return nil
}

// boundValue encodes a histogram bound: a number, or for dates and
// timestamps (given in seconds since the epoch) the execute_sql string.
func boundValue(f float64, k kind) any {
	if !k.temporal() {
		return f
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
	switch k {
	case kindDate:
		return t.Format(time.DateOnly)
	case kindTimestampTZ:
		return t.Format("2006-01-02T15:04:05.999999Z07:00")
	}
	return t.Format("2006-01-02T15:04:05.999999")
}
