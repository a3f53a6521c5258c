package catalog

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Page sizes of ListTables.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
)

// ListOptions filter and page ListTables.
type ListOptions struct {
	// Schema keeps one schema. Unquoted, it matches case-insensitively
	// unless a schema of exactly that name exists; `"Sales"` matches exactly.
	Schema string
	// Search keeps tables whose schema, name or comment contains it,
	// case-insensitively.
	Search string
	// Kind keeps one kind ("table", "view", "materialized_view",
	// "foreign_table"); "" keeps all.
	Kind string
	// Limit is the page size: 0 means DefaultListLimit; more than
	// MaxListLimit is capped.
	Limit int
	// Cursor is a Page.NextCursor from a previous call with the same filter.
	Cursor string
}

// Page is one page of tables, ordered by schema then name (byte order).
type Page struct {
	Tables []Table `json:"tables"`
	// NextCursor fetches the next page; "" when this page is the last.
	NextCursor string `json:"next_cursor"`
	// Total is the number of tables matching the filter, over all pages.
	Total int `json:"total"`
}

// ListTables lists the tables, views, materialized views and foreign tables
// a connection can see, outside system schemas, in one query. PostgreSQL
// partitions are not listed (their partitioned parent is); tables the role
// cannot read are listed all the same.
//
// Paging is keyset paging on (schema, name), so a table inserted or dropped
// between calls neither repeats nor hides another one.
func ListTables(ctx context.Context, src source.Source, o ListOptions) (Page, error) {
	d, err := dialectFor(src)
	if err != nil {
		return Page{}, err
	}
	limit, err := pageSize(o.Limit)
	if err != nil {
		return Page{}, err
	}
	if !validKind(o.Kind) {
		return Page{}, fmt.Errorf("%w: kind %q: want one of %s", ErrInvalid, o.Kind, kindList())
	}
	schema, quoted, err := parseSchemaOption(o.Schema)
	if err != nil {
		return Page{}, err
	}
	after, err := decodeCursor(o.Cursor)
	if err != nil {
		return Page{}, err
	}
	rows, err := query(ctx, src, "list tables", false, d.list,
		schema, quoted, strings.TrimSpace(o.Search), o.Kind, after[0], after[1], limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Tables: []Table{}}
	for _, r := range rows {
		if len(r) != 6 {
			return Page{}, fmt.Errorf("catalog: list tables: got %d columns, want 6", len(r))
		}
		total, err := toInt64(r[5])
		if err != nil {
			return Page{}, fmt.Errorf("catalog: list tables: total: %w", err)
		}
		p.Total = int(total)
		if r[0] == nil { // the empty page's lone row
			continue
		}
		t, err := decodeTable(r[:5])
		if err != nil {
			return Page{}, fmt.Errorf("catalog: list tables: %w", err)
		}
		p.Tables = append(p.Tables, t)
	}
	if len(p.Tables) > limit {
		p.Tables = p.Tables[:limit]
		last := p.Tables[limit-1]
		p.NextCursor = encodeCursor(last.Schema, last.Name)
	}
	return p, nil
}

func pageSize(n int) (int, error) {
	switch {
	case n < 0:
		return 0, fmt.Errorf("%w: limit %d: must not be negative", ErrInvalid, n)
	case n == 0:
		return DefaultListLimit, nil
	case n > MaxListLimit:
		return MaxListLimit, nil
	}
	return n, nil
}

// parseSchemaOption accepts a bare or quoted schema name.
func parseSchemaOption(s string) (name string, quoted bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, nil
	}
	parts, err := parseName(s)
	if err != nil {
		return "", false, err
	}
	if len(parts) != 1 {
		return "", false, fmt.Errorf("%w: schema %q: want one name", ErrInvalid, s)
	}
	return parts[0].text, parts[0].quoted, nil
}

// A cursor is the URL-safe base64 of the JSON array [schema, name] of the
// last table returned. Clients must treat it as opaque.
func encodeCursor(schema, name string) string {
	b, _ := json.Marshal([2]string{schema, name})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(c string) ([2]string, error) {
	var k [2]string
	if c == "" {
		return k, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		err = json.Unmarshal(b, &k)
	}
	if err != nil || k[1] == "" {
		return k, fmt.Errorf("%w: cursor %q: pass next_cursor from the previous page unchanged", ErrInvalid, c)
	}
	return k, nil
}

// decodeTable reads schema, name, kind, row_estimate, comment.
func decodeTable(r []any) (Table, error) {
	est, err := toInt64(r[3])
	if err != nil {
		return Table{}, fmt.Errorf("row estimate: %w", err)
	}
	return Table{
		Schema:      toString(r[0]),
		Name:        toString(r[1]),
		Kind:        toString(r[2]),
		RowEstimate: est,
		Comment:     toString(r[4]),
	}, nil
}
