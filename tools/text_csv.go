package tools

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// csvWriter appends RFC 4180 CSV to a byte slice. It is on the hot path of
// every execute_sql call, so it avoids per-field allocations.
type csvWriter struct{ b []byte }

func (w *csvWriter) comma(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
	}
}

// field writes s, quoted when it holds a comma, quote, line break, or
// leading/trailing space.
func (w *csvWriter) field(s string) {
	if !needsQuote(s) {
		w.b = append(w.b, s...)
		return
	}
	w.b = append(w.b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			w.b = append(w.b, '"')
		}
		w.b = append(w.b, s[i])
	}
	w.b = append(w.b, '"')
}

func needsQuote(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// value writes one encoded database value. NULL is an empty field; an
// empty string is "" (quoted), so the two stay apart.
func (w *csvWriter) value(v any) {
	switch x := v.(type) {
	case nil:
	case string:
		if x == "" {
			w.b = append(w.b, '"', '"')
			return
		}
		w.field(x)
	case bool:
		w.b = strconv.AppendBool(w.b, x)
	case int64:
		w.b = strconv.AppendInt(w.b, x, 10)
	case int:
		w.b = strconv.AppendInt(w.b, int64(x), 10)
	case float64:
		w.b = strconv.AppendFloat(w.b, x, 'g', -1, 64)
	case json.RawMessage:
		w.field(string(x))
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte(fmt.Sprint(x))
		}
		w.field(string(b))
	}
}
