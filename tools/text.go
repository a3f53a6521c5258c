package tools

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/iopsdata/iopsdata/store"
)

// renderRows is execute_sql's text block: CSV with a header line, then one
// summary line. CSV is about a tenth of the size of pretty JSON.
func renderRows(o ExecuteSQLOut) string {
	w := csvWriter{b: make([]byte, 0, 128+len(o.Rows)*len(o.Columns)*12)}
	for i, c := range o.Columns {
		w.comma(i)
		w.field(c.Name)
	}
	w.b = append(w.b, '\n')
	for _, row := range o.Rows {
		for i, v := range row {
			w.comma(i)
			w.value(v)
		}
		w.b = append(w.b, '\n')
	}
	if o.Write != nil {
		state := "committed"
		if !o.Write.Committed {
			state = "NOT committed"
		}
		w.b = fmt.Appendf(w.b, "%s: %s\n", o.Write.Tag, state)
	}
	w.b = fmt.Appendf(w.b, "(%d rows, %.1f ms", o.RowCount, o.ElapsedMS)
	if o.Write != nil && o.Hint != "" {
		w.b = append(w.b, ", "+o.Hint...)
	}
	if o.Truncated {
		w.b = append(w.b, ", truncated: "+o.Hint...)
	}
	w.b = append(w.b, ")\n"...)
	return string(w.b)
}

func renderHistory(o QueryHistoryOut) string {
	var sb strings.Builder
	for _, e := range o.Entries {
		fmt.Fprintf(&sb, "%s %s %s %s rows=%d %.1fms", e.At, e.Connection, e.Tool, e.Verdict, e.Rows, e.ElapsedMS)
		if e.Error != "" {
			sb.WriteString(" error=" + strconv.Quote(e.Error))
		}
		sb.WriteString("\n  " + strings.ReplaceAll(strings.TrimSpace(e.SQL), "\n", "\n  ") + "\n")
	}
	if len(o.Entries) == 0 {
		sb.WriteString("no queries logged yet\n")
	}
	return sb.String()
}

func storeFilter(conn string, limit int) store.HistoryFilter {
	return store.HistoryFilter{Connection: conn, Limit: limit}
}
