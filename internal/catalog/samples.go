package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Sample values: at most maxSamples distinct values per column, each at
// most maxSampleCh runes, read from at most sampleScanRows rows of a table
// (a random sample of pages on big tables) within sampleTableBytes and
// sampleTableTimeout per table and sampleTotalTimeout per call.
const (
	sampleScanRows     = 200
	sampleTableBytes   = 64 << 10
	sampleTableTimeout = 2 * time.Second
	sampleTotalTimeout = 5 * time.Second
	sampleBigTable     = 100_000 // rows above which tables are sampled, not scanned from the start
	sampleTargetRows   = 10_000  // rows a sample aims at (whole pages or vectors)
)

// AddSamples returns a copy of s in which the given tables (positions in
// s.Tables) have sample values, one query per table not sampled before.
// Tables that cannot be read (permissions, timeouts) get none; only a
// cancelled ctx is an error. s itself is not changed.
func AddSamples(ctx context.Context, src source.Source, s *Snapshot, tables []int) (*Snapshot, error) {
	var todo []int
	for _, t := range tables {
		if t >= 0 && t < len(s.Tables) && !s.Tables[t].Sampled {
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return s, nil
	}
	out := &Snapshot{Engine: s.Engine, Fingerprint: s.Fingerprint, LoadedAt: s.LoadedAt, Samples: s.Samples,
		Tables: append([]TableInfo(nil), s.Tables...)}
	deadline, cancel := context.WithTimeout(ctx, sampleTotalTimeout)
	defer cancel()
	for _, t := range todo {
		ti := &out.Tables[t]
		ti.Columns = append([]ColumnInfo(nil), ti.Columns...)
		ti.Sampled = true
		if deadline.Err() != nil {
			continue
		}
		lim := source.Limits{MaxRows: sampleScanRows, MaxBytes: sampleTableBytes, Timeout: sampleTableTimeout}
		res, err := src.Query(deadline, sampleSQL(src.Engine(), &ti.Table), lim)
		if err == nil && len(res.Rows) == 0 && ti.RowEstimate > sampleBigTable {
			// A random sample of pages may be empty: read the first rows.
			res, err = src.Query(deadline, firstRowsSQL(&ti.Table), lim)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("catalog: sample values: %w", ctx.Err())
			}
			continue
		}
		fillSamples(ti, res)
	}
	return out, nil
}

// sampleSQL reads the first rows of small tables and views, and a random
// sample of pages (PostgreSQL TABLESAMPLE SYSTEM, DuckDB system sampling)
// of big tables.
func sampleSQL(e source.Engine, t *Table) string {
	name := QuoteAlways(t.Schema) + "." + QuoteAlways(t.Name)
	big := t.RowEstimate > sampleBigTable && (t.Kind == KindTable || t.Kind == KindMaterializedView)
	if !big {
		return firstRowsSQL(t)
	}
	pct := max(float64(sampleTargetRows)*100/float64(t.RowEstimate), 0.001)
	if e == source.DuckDB {
		return fmt.Sprintf("SELECT * FROM %s USING SAMPLE %.4f PERCENT (system) LIMIT %d", name, pct, sampleScanRows)
	}
	return fmt.Sprintf("SELECT * FROM %s TABLESAMPLE SYSTEM (%.4f) LIMIT %d", name, pct, sampleScanRows)
}

func firstRowsSQL(t *Table) string {
	return fmt.Sprintf("SELECT * FROM %s.%s LIMIT %d", QuoteAlways(t.Schema), QuoteAlways(t.Name), sampleScanRows)
}

// fillSamples keeps up to maxSamples distinct, non-empty scalar values per
// column, in the order met.
func fillSamples(t *TableInfo, res *source.Result) {
	pos := map[string]int{}
	for j, c := range t.Columns {
		pos[c.Name] = j
	}
	for k, rc := range res.Columns {
		j, ok := pos[rc.Name]
		if !ok || binaryType(t.Columns[j].Type) {
			continue
		}
		var vals []string
		seen := map[string]bool{}
		for _, row := range res.Rows {
			if k >= len(row) || len(vals) >= maxSamples {
				break
			}
			v, ok := scalarText(row[k])
			if !ok || seen[v] {
				continue
			}
			seen[v] = true
			vals = append(vals, v)
		}
		t.Columns[j].Samples = vals
	}
}

func binaryType(typ string) bool {
	typ = strings.ToLower(typ)
	return strings.Contains(typ, "bytea") || strings.Contains(typ, "blob") || strings.Contains(typ, "tsvector")
}

// scalarText renders a JSON-ready scalar as sample text, clipped; nested
// values and empty strings are skipped.
func scalarText(v any) (string, bool) {
	switch v.(type) {
	case nil, []any, map[string]any:
		return "", false
	}
	s := strings.TrimSpace(toString(v))
	if s == "" {
		return "", false
	}
	return clip(s, maxSampleCh), true
}
