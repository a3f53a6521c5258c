package tools

import (
	"fmt"
	"strings"
)

// renderDescribe is describe_table's text block: DDL-like, with comments,
// keys and sample rows as CSV.
func renderDescribe(o DescribeTableOut) string {
	var sb strings.Builder
	if o.Comment != "" {
		sb.WriteString("-- " + oneLine(o.Comment) + "\n")
	}
	fmt.Fprintf(&sb, "%s %s.%s (~%d rows) (\n", strings.ToUpper(strings.ReplaceAll(o.Kind, "_", " ")), o.Schema, o.Name, o.RowEstimate)
	for i, c := range o.Columns {
		sb.WriteString("  " + c.Name + " " + c.Type)
		if !c.Nullable {
			sb.WriteString(" NOT NULL")
		}
		if c.Default != nil {
			sb.WriteString(" DEFAULT " + *c.Default)
		}
		if i < len(o.Columns)-1 || len(o.PrimaryKey) > 0 || len(o.ForeignKeys) > 0 {
			sb.WriteByte(',')
		}
		if c.Comment != "" {
			sb.WriteString(" -- " + oneLine(c.Comment))
		}
		sb.WriteByte('\n')
	}
	if len(o.PrimaryKey) > 0 {
		sb.WriteString("  PRIMARY KEY (" + strings.Join(o.PrimaryKey, ", ") + ")")
		if len(o.ForeignKeys) > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('\n')
	}
	for i, fk := range o.ForeignKeys {
		fmt.Fprintf(&sb, "  FOREIGN KEY (%s) REFERENCES %s(%s)", strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "))
		if i < len(o.ForeignKeys)-1 {
			sb.WriteByte(',')
		}
		sb.WriteByte('\n')
	}
	sb.WriteString(")\n")
	for _, fk := range o.ReferencedBy {
		fmt.Fprintf(&sb, "-- referenced by %s(%s) -> (%s)\n", fk.RefTable, strings.Join(fk.RefColumns, ", "), strings.Join(fk.Columns, ", "))
	}
	for _, ix := range o.Indexes {
		if ix.Primary {
			continue
		}
		u := ""
		if ix.Unique {
			u = "UNIQUE "
		}
		fmt.Fprintf(&sb, "-- %sINDEX %s (%s)\n", u, ix.Name, strings.Join(ix.Columns, ", "))
	}
	if o.SampleRows != nil && len(o.SampleRows.Rows) > 0 {
		sb.WriteString("sample rows:\n")
		sb.WriteString(renderRows(ExecuteSQLOut{Columns: o.SampleRows.Columns, Rows: o.SampleRows.Rows, RowCount: len(o.SampleRows.Rows)}))
	}
	return sb.String()
}
