package tools

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/iopsdata/iopsdata/store"
)

// renderRows is execute_sql's text block: CSV with a header line, then one
// summary line. CSV is about a tenth of the size of pretty JSON.
func renderRows(o ExecuteSQLOut) string {
	var sb strings.Builder
	sb.Grow(64 + len(o.Rows)*len(o.Columns)*8)
	for i, c := range o.Columns {
		if i > 0 {
			sb.WriteByte(',')
		}
		writeCSVField(&sb, c.Name)
	}
	sb.WriteByte('\n')
	for _, row := range o.Rows {
		for i, v := range row {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeCSVValue(&sb, v)
		}
		sb.WriteByte('\n')
	}
	fmt.Fprintf(&sb, "(%d rows, %.1f ms", o.RowCount, o.ElapsedMS)
	if o.Truncated {
		sb.WriteString(", truncated: " + o.Hint)
	}
	sb.WriteString(")\n")
	return sb.String()
}

func writeCSVValue(sb *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		// NULL is an empty field; an empty string is "" (quoted).
	case string:
		if x == "" {
			sb.WriteString(`""`)
			return
		}
		writeCSVField(sb, x)
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case int:
		sb.WriteString(strconv.Itoa(x))
	case float64:
		sb.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case json.RawMessage:
		writeCSVField(sb, string(x))
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte(fmt.Sprint(x))
		}
		writeCSVField(sb, string(b))
	}
}

// writeCSVField quotes s when it holds a comma, quote, line break, or
// leading/trailing space (RFC 4180).
func writeCSVField(sb *strings.Builder, s string) {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		sb.WriteString(s)
		return
	}
	sb.WriteByte('"')
	sb.WriteString(strings.ReplaceAll(s, `"`, `""`))
	sb.WriteByte('"')
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
