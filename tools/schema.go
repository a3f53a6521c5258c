package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/mark3labs/mcp-go/server"
)

type ListTablesIn struct {
	Connection string `json:"connection"`
	Schema     string `json:"schema,omitempty" jsonschema:"only this schema"`
	Search     string `json:"search,omitempty" jsonschema:"case-insensitive text to find in table names and comments"`
	Kind       string `json:"kind,omitempty" jsonschema:"table, view, materialized_view or foreign_table"`
	Limit      int    `json:"limit,omitempty" jsonschema:"tables per page (default 100, max 1000)"`
	Cursor     string `json:"cursor,omitempty" jsonschema:"next_cursor from the previous page"`
}

type TableInfo struct {
	Schema      string `json:"schema"`
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	RowEstimate int64  `json:"row_estimate" jsonschema:"approximate rows; -1 when unknown"`
	Comment     string `json:"comment"`
}

type ListTablesOut struct {
	Tables     []TableInfo `json:"tables"`
	NextCursor string      `json:"next_cursor" jsonschema:"pass as cursor to get the next page; empty on the last page"`
	Total      int         `json:"total" jsonschema:"tables matching the filter"`
}

func listTables(d *Deps) server.ServerTool {
	return newTool("list_tables",
		"List tables and views of a connection with row estimates and comments; filter by schema, kind or a search text, page with cursor. Then call describe_table for columns.",
		hints{title: "List tables", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in ListTablesIn) (ListTablesOut, error) {
			h, err := d.Conns.Get(ctx, in.Connection)
			if err != nil {
				return ListTablesOut{}, onConn(in.Connection, err)
			}
			page, err := catalog.ListTables(ctx, h.Source, catalog.ListOptions{
				Schema: in.Schema, Search: in.Search, Kind: in.Kind, Limit: in.Limit, Cursor: in.Cursor,
			})
			if err != nil {
				return ListTablesOut{}, onConn(in.Connection, err)
			}
			out := ListTablesOut{Tables: make([]TableInfo, 0, len(page.Tables)), NextCursor: page.NextCursor, Total: page.Total}
			for _, t := range page.Tables {
				out.Tables = append(out.Tables, TableInfo{Schema: t.Schema, Name: t.Name, Kind: t.Kind, RowEstimate: t.RowEstimate, Comment: t.Comment})
			}
			return out, nil
		},
		func(o ListTablesOut) string {
			var sb strings.Builder
			for _, t := range o.Tables {
				fmt.Fprintf(&sb, "%s.%s %s ~%d rows", t.Schema, t.Name, t.Kind, t.RowEstimate)
				if t.Comment != "" {
					sb.WriteString(" -- " + oneLine(t.Comment))
				}
				sb.WriteByte('\n')
			}
			fmt.Fprintf(&sb, "(%d of %d tables", len(o.Tables), o.Total)
			if o.NextCursor != "" {
				sb.WriteString("; more: cursor=" + o.NextCursor)
			}
			sb.WriteString(")\n")
			return sb.String()
		})
}

type DescribeTableIn struct {
	Connection string `json:"connection"`
	Table      string `json:"table" jsonschema:"table name, optionally schema-qualified (schema.table); quote names with special characters"`
	SampleRows *int   `json:"sample_rows,omitempty" jsonschema:"sample rows to include (default 3, max 20, 0 for none; none on connections added with samples false)"`
}

type ColumnInfo struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Nullable   bool    `json:"nullable"`
	Default    *string `json:"default"`
	Comment    string  `json:"comment"`
	PrimaryKey bool    `json:"primary_key"`
}

type ForeignKeyInfo struct {
	Name       string   `json:"name"`
	Columns    []string `json:"columns"`
	RefTable   string   `json:"ref_table" jsonschema:"schema.table"`
	RefColumns []string `json:"ref_columns"`
}

type IndexInfo struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
	Primary bool     `json:"primary"`
	Method  string   `json:"method,omitempty"`
}

type SampleRows struct {
	Columns []source.Column `json:"columns"`
	Rows    [][]any         `json:"rows"`
}

type DescribeTableOut struct {
	Schema       string           `json:"schema"`
	Name         string           `json:"name"`
	Kind         string           `json:"kind"`
	Comment      string           `json:"comment"`
	Columns      []ColumnInfo     `json:"columns"`
	PrimaryKey   []string         `json:"primary_key"`
	ForeignKeys  []ForeignKeyInfo `json:"foreign_keys"`
	ReferencedBy []ForeignKeyInfo `json:"referenced_by" jsonschema:"foreign keys of other tables that point here; ref_table is the referencing table"`
	Indexes      []IndexInfo      `json:"indexes"`
	RowEstimate  int64            `json:"row_estimate"`
	SampleRows   *SampleRows      `json:"sample_rows" jsonschema:"a few rows as execute_sql returns them; untrusted data"`
	SampleError  string           `json:"sample_error,omitempty" jsonschema:"why sample rows could not be read"`
}

func describeTable(d *Deps) server.ServerTool {
	return newTool("describe_table",
		"Describe one table or view: columns (type, nullability, default, comment), primary key, foreign keys both ways, indexes, row estimate and a few sample rows. Use before writing SQL against it.",
		hints{title: "Describe table", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in DescribeTableIn) (DescribeTableOut, error) {
			h, err := d.Conns.Get(ctx, in.Connection)
			if err != nil {
				return DescribeTableOut{}, onConn(in.Connection, err)
			}
			n := 3
			if in.SampleRows != nil {
				n = max(0, min(*in.SampleRows, 20))
			}
			if h.Conn.Options.NoSamples {
				n = 0 // the connection was added with samples: false
			}
			t, err := catalog.DescribeTable(ctx, h.Source, in.Table, n)
			if err != nil {
				return DescribeTableOut{}, onConn(in.Connection, err)
			}
			return describeOut(t), nil
		},
		renderDescribe)
}

func describeOut(t *catalog.TableDetail) DescribeTableOut {
	out := DescribeTableOut{
		Schema: t.Schema, Name: t.Name, Kind: t.Kind, Comment: t.Comment, RowEstimate: t.RowEstimate,
		Columns: make([]ColumnInfo, 0, len(t.Columns)), PrimaryKey: nonNil(t.PrimaryKey),
		ForeignKeys: fkInfos(t.ForeignKeys), ReferencedBy: fkInfos(t.ReferencedBy), Indexes: []IndexInfo{},
		SampleError: t.SampleError,
	}
	for _, c := range t.Columns {
		out.Columns = append(out.Columns, ColumnInfo{Name: c.Name, Type: c.Type, Nullable: c.Nullable, Default: c.Default, Comment: c.Comment, PrimaryKey: c.PrimaryKey})
	}
	for _, ix := range t.Indexes {
		out.Indexes = append(out.Indexes, IndexInfo{Name: ix.Name, Columns: nonNil(ix.Columns), Unique: ix.Unique, Primary: ix.Primary, Method: ix.Method})
	}
	if t.SampleRows != nil {
		rows := t.SampleRows.Rows
		if rows == nil {
			rows = [][]any{}
		}
		out.SampleRows = &SampleRows{Columns: t.SampleRows.Columns, Rows: rows}
	}
	return out
}

func fkInfos(fks []catalog.ForeignKey) []ForeignKeyInfo {
	out := make([]ForeignKeyInfo, 0, len(fks))
	for _, fk := range fks {
		out = append(out, ForeignKeyInfo{Name: fk.Name, Columns: nonNil(fk.Columns), RefTable: fk.RefSchema + "." + fk.RefTable, RefColumns: nonNil(fk.RefColumns)})
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
