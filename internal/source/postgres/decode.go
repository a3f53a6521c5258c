package postgres

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/iopsdata/iopsdata/internal/source"
)

// colDecoder decodes the values of one result column. For timestamptz it
// remembers the last conversion, since columns such as now() repeat one value.
type colDecoder struct {
	t        *typeInfo
	lastRaw  []byte
	lastVal  any
	lastSize int
}

// decode converts one text-format value (nil is SQL NULL) to its JSON form
// and returns the value's approximate JSON size in bytes.
func (d *colDecoder) decode(v []byte) (any, int) {
	if v == nil {
		return nil, 4
	}
	if d.t.kind != kTimestampTZ {
		return decodeText(d.t, v)
	}
	if d.lastRaw != nil && bytes.Equal(v, d.lastRaw) {
		return d.lastVal, d.lastSize
	}
	d.lastRaw = append(d.lastRaw[:0], v...)
	d.lastVal, d.lastSize = decodeText(d.t, v)
	return d.lastVal, d.lastSize
}

// decodeText converts a non-NULL text-format value of type t. It may
// rewrite v in place; v is never retained.
func decodeText(t *typeInfo, v []byte) (any, int) {
	switch t.kind {
	case kBool:
		if len(v) > 0 && v[0] == 't' {
			return true, 4
		}
		return false, 5
	case kInt, kInt8:
		return decodeInt(v)
	case kFloat:
		return decodeFloat(v)
	case kJSON:
		return decodeJSON(v)
	case kTimestamp:
		return str(timestampText(v))
	case kTimestampTZ:
		return str(timestampTZText(v))
	case kDate:
		return str(dateText(v))
	case kTimeTZ:
		return str(timeTZText(v))
	case kArray:
		return decodeArray(t, v)
	case kComposite:
		return decodeComposite(t, v)
	}
	return str(string(v))
}

func str(s string) (any, int) { return s, jsonStringSize(s) }

// decodeJSON embeds a json or jsonb value, compacted (jsonb prints ", " and
// ": "). Its size counts the \u003c-style escapes encoding/json applies to
// <, > and & when it writes a json.RawMessage.
func decodeJSON(v []byte) (any, int) {
	var buf bytes.Buffer
	buf.Grow(len(v))
	if err := json.Compact(&buf, v); err != nil {
		return str(string(v))
	}
	b := buf.Bytes()
	n := len(b)
	for _, c := range b {
		if c == '<' || c == '>' || c == '&' {
			n += 5
		}
	}
	return json.RawMessage(b), n
}

// decodeInt follows source.Int: a number within ±(2^53-1), a decimal string
// beyond, and the digits unchanged when they do not fit int64 (xid8).
func decodeInt(v []byte) (any, int) {
	n, ok := parseInt64(v)
	if !ok {
		return str(string(v))
	}
	r := source.Int(n)
	if _, isString := r.(string); isString {
		return r, len(v) + 2
	}
	return r, len(v)
}

// parseInt64 parses an optionally negative decimal integer.
func parseInt64(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// decodeFloat follows source.Float. extra_float_digits is forced to 3, so the
// server sends the shortest text that reads back to the same value; float4
// values are read as that decimal, so 0.1::float4 stays 0.1.
func decodeFloat(v []byte) (any, int) {
	switch string(v) {
	case "NaN", "Infinity", "-Infinity":
		return str(string(v))
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return str(string(v))
	}
	return source.Float(f), len(v)
}

// jsonStringSize is the size of s as a JSON string written by encoding/json
// (which also escapes <, > and &).
func jsonStringSize(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
			n++
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			n += 5
		}
	}
	return n
}
