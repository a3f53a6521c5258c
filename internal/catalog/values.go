package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Values arrive JSON-encoded as source.Encoding describes: integers as int64,
// or as decimal strings beyond 2^53; arrays as []any. These helpers read them
// back, tolerating the other Go types a driver might pass through.

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, fmt.Errorf("unexpected NULL")
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return math.MaxInt64, nil
		}
		return int64(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("not a finite number: %v", x)
		}
		return int64(x), nil
	case json.Number:
		return parseIntText(string(x))
	case string:
		return parseIntText(x)
	}
	return 0, fmt.Errorf("not an integer: %T", v)
}

func parseIntText(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not an integer: %q", s)
	}
	if f >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(f), nil
}

// toString returns a string value, "" for NULL.
func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case json.RawMessage:
		var s string
		if json.Unmarshal(x, &s) == nil {
			return s
		}
		return string(x)
	}
	return fmt.Sprint(v)
}

// toStringPtr is toString with NULL kept as nil.
func toStringPtr(v any) *string {
	if v == nil {
		return nil
	}
	s := toString(v)
	return &s
}

func toBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		b, _ := strconv.ParseBool(x)
		return b
	case int64:
		return x != 0
	}
	return false
}

// toStrings reads an array of strings; NULL elements are skipped.
func toStrings(v any) []string {
	switch x := v.(type) {
	case nil:
		return []string{}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if e != nil {
				out = append(out, toString(e))
			}
		}
		return out
	case json.RawMessage:
		var out []string
		if json.Unmarshal(x, &out) == nil {
			return out
		}
	}
	return []string{toString(v)}
}
