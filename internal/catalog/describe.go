package catalog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Sample rows: at most MaxSampleRows rows and SampleMaxBytes of JSON.
const (
	MaxSampleRows  = 100
	SampleMaxBytes = 16 << 10
	sampleTimeout  = 10 * time.Second
)

// DescribeTable resolves name ("orders", "sales.orders", `"Order Items"`,
// `"sales"."Order Items"`) and returns its columns, keys, indexes and, when
// sampleRows > 0, its first rows. Unquoted parts match case-insensitively,
// and by exact case when that is ambiguous; quoted parts match exactly.
//
// It returns *NotFoundError (with suggestions) when nothing matches and
// *AmbiguousError when several tables do. It issues at most six queries:
// resolve, all names (only when resolving found nothing), columns,
// constraints, indexes and the sample.
func DescribeTable(ctx context.Context, src source.Source, name string, sampleRows int) (*TableDetail, error) {
	d, err := dialectFor(src)
	if err != nil {
		return nil, err
	}
	parts, err := parseName(name)
	if err != nil {
		return nil, err
	}
	rel, err := resolve(ctx, src, d, name, parts)
	if err != nil {
		return nil, err
	}
	td := &TableDetail{Table: rel.Table}
	if err := describe(ctx, src, d, rel, td); err != nil {
		return nil, err
	}
	if sampleRows > 0 {
		if err := sample(ctx, src, td, min(sampleRows, MaxSampleRows)); err != nil {
			return nil, err
		}
	}
	return td, nil
}

// resolve finds the one relation that parts designate.
func resolve(ctx context.Context, src source.Source, d *dialect, name string, parts []namePart) (relation, error) {
	schema := ""
	if len(parts) == 2 {
		schema = parts[0].text
	}
	rels, err := relations(ctx, src, d, schema, parts[len(parts)-1].text, false)
	if err != nil {
		return relation{}, err
	}
	found := matchName(rels, parts)
	var all []relation
	if len(found) == 0 {
		// The database's lower() may not fold this name (a C locale, say):
		// compare against every name in Go, which also feeds suggestions.
		// In a huge database this list stops at the adapter's row cap.
		if all, err = relations(ctx, src, d, "", "", true); err != nil {
			return relation{}, err
		}
		found = matchName(all, parts)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return relation{}, &NotFoundError{Name: name, Suggestions: suggest(all, parts)}
	}
	choices := make([]string, len(found))
	for i, r := range found {
		choices[i] = r.QualifiedName()
	}
	sort.Strings(choices)
	return relation{}, &AmbiguousError{Name: name, Choices: choices}
}

// relations runs the dialect's relations query; partial accepts a
// truncated answer.
func relations(ctx context.Context, src source.Source, d *dialect, schema, name string, partial bool) ([]relation, error) {
	rows, err := query(ctx, src, "find table", partial, d.relations, schema, name)
	if err != nil {
		return nil, err
	}
	out := make([]relation, 0, len(rows))
	for _, r := range rows {
		if len(r) != 6 {
			return nil, fmt.Errorf("catalog: find table: got %d columns, want 6", len(r))
		}
		t, err := decodeTable(r[1:])
		if err != nil {
			return nil, fmt.Errorf("catalog: find table: %w", err)
		}
		out = append(out, relation{Table: t, id: r[0]})
	}
	return out, nil
}

// describe fills columns, keys and indexes with three queries.
func describe(ctx context.Context, src source.Source, d *dialect, rel relation, td *TableDetail) error {
	args := d.detailArgs(rel)
	rows, err := query(ctx, src, "columns", false, d.columns, args...)
	if err != nil {
		return err
	}
	td.Columns = make([]Column, 0, len(rows))
	for _, r := range rows {
		if len(r) != 5 {
			return fmt.Errorf("catalog: columns: got %d columns, want 5", len(r))
		}
		td.Columns = append(td.Columns, Column{
			Name: toString(r[0]), Type: toString(r[1]), Nullable: toBool(r[2]),
			Default: toStringPtr(r[3]), Comment: toString(r[4]),
		})
	}
	if rows, err = query(ctx, src, "constraints", false, d.constraints, args...); err != nil {
		return err
	}
	if err := decodeConstraints(rows, td); err != nil {
		return err
	}
	if rows, err = query(ctx, src, "indexes", false, d.indexes, args...); err != nil {
		return err
	}
	td.Indexes = make([]Index, 0, len(rows))
	for _, r := range rows {
		if len(r) != 6 {
			return fmt.Errorf("catalog: indexes: got %d columns, want 6", len(r))
		}
		td.Indexes = append(td.Indexes, Index{
			Name: toString(r[0]), Columns: toStrings(r[1]), Unique: toBool(r[2]),
			Primary: toBool(r[3]), Method: toString(r[4]), Where: toString(r[5]),
		})
	}
	return nil
}

// decodeConstraints reads type, name, outgoing, incoming, schema, table,
// columns, ref_schema, ref_table, ref_columns. A self-referencing foreign key
// is both outgoing and incoming.
func decodeConstraints(rows [][]any, td *TableDetail) error {
	td.PrimaryKey = []string{}
	td.ForeignKeys = []ForeignKey{}
	td.ReferencedBy = []ForeignKey{}
	for _, r := range rows {
		if len(r) != 10 {
			return fmt.Errorf("catalog: constraints: got %d columns, want 10", len(r))
		}
		typ, name, out, in := toString(r[0]), toString(r[1]), toBool(r[2]), toBool(r[3])
		cols, refCols := toStrings(r[6]), toStrings(r[9])
		switch {
		case typ == "p" && out:
			td.PrimaryKey = cols
		case typ == "f":
			if out {
				td.ForeignKeys = append(td.ForeignKeys, ForeignKey{Name: name, Columns: cols,
					RefSchema: toString(r[7]), RefTable: toString(r[8]), RefColumns: refCols})
			}
			if in {
				td.ReferencedBy = append(td.ReferencedBy, ForeignKey{Name: name, Columns: refCols,
					RefSchema: toString(r[4]), RefTable: toString(r[5]), RefColumns: cols})
			}
		}
	}
	inPK := map[string]bool{}
	for _, c := range td.PrimaryKey {
		inPK[c] = true
	}
	for i := range td.Columns {
		td.Columns[i].PrimaryKey = inPK[td.Columns[i].Name]
	}
	return nil
}

// sample reads the first n rows. A failure other than cancellation is
// reported in td.SampleError, not returned.
func sample(ctx context.Context, src source.Source, td *TableDetail, n int) error {
	sql := fmt.Sprintf("SELECT * FROM %s.%s LIMIT %d", QuoteAlways(td.Schema), QuoteAlways(td.Name), n)
	lim := source.Limits{MaxRows: n, MaxBytes: SampleMaxBytes, Timeout: sampleTimeout}
	res, err := src.Query(ctx, sql, lim)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("catalog: sample rows: %w", err)
		}
		td.SampleError = strings.TrimSpace("sample rows unavailable: " + err.Error())
		return nil
	}
	td.SampleRows = res
	return nil
}
