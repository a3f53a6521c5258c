package source

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// Encoding: how database values appear in Result.Rows (and so in the JSON
// that execute_sql returns). Both engines follow it; the README documents it.
//
//	NULL                         null
//	boolean                      true / false
//	integers |v| <= 2^53-1       JSON number
//	integers beyond that         decimal string ("9007199254740993"), so no client loses digits
//	numeric / decimal            decimal string, exact ("123.4500", "NaN")
//	real / double                JSON number; NaN, Infinity, -Infinity as strings
//	date                         "2024-03-01" ("infinity", "-infinity")
//	time                         "13:45:00" or "13:45:00.123456"
//	time with time zone          "13:45:00+02:00"
//	timestamp                    "2024-03-01T13:45:00.123456" (no zone)
//	timestamp with time zone     "2024-03-01T12:45:00.123456Z" (UTC, RFC 3339)
//	interval                     ISO 8601 duration "P1Y2M3DT4H5M6.5S"
//	uuid                         "0b6e…" canonical lower-case string
//	json / jsonb                 the JSON value itself, embedded
//	bytea / blob                 "\\x" followed by lower-case hex
//	arrays / lists               JSON arrays of encoded elements
//	struct / composite, map      JSON object (map keys as strings)
//	enum, text, other            string
const maxSafeInteger = 1<<53 - 1

// Int encodes an integer: a number when a float64 holds it exactly, else a string.
func Int(v int64) any {
	if v > maxSafeInteger || v < -maxSafeInteger {
		return strconv.FormatInt(v, 10)
	}
	return v
}

// Uint encodes an unsigned integer like Int.
func Uint(v uint64) any {
	if v > maxSafeInteger {
		return strconv.FormatUint(v, 10)
	}
	return int64(v)
}

// IntText encodes an integer given as decimal digits (as PostgreSQL's text
// format sends it), without a round trip through int64 for huge values.
func IntText(s string) any {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Int(v)
	}
	return s
}

// Float encodes a float: a number, or "NaN", "Infinity", "-Infinity".
func Float(v float64) any {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	return v
}

// Bytes encodes binary data as "\x" + hex.
func Bytes(b []byte) string {
	var sb strings.Builder
	sb.Grow(2 + 2*len(b))
	sb.WriteString(`\x`)
	sb.WriteString(hex.EncodeToString(b))
	return sb.String()
}

// Timestamp encodes a timestamp without time zone (wall clock of t).
func Timestamp(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.999999")
}

// TimestampTZ encodes an instant in UTC, RFC 3339 with microseconds.
func TimestampTZ(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}

// Date encodes a calendar date.
func Date(t time.Time) string {
	return t.Format("2006-01-02")
}

// TimeOfDay encodes a time of day given in microseconds since midnight.
func TimeOfDay(micros int64) string {
	t := time.Unix(0, 0).UTC().Add(time.Duration(micros) * time.Microsecond)
	if micros >= 24*3600*1e6 { // PostgreSQL allows 24:00:00
		return "24:00:00"
	}
	return t.Format("15:04:05.999999")
}

// Interval encodes months, days and microseconds as an ISO 8601 duration,
// the form PostgreSQL prints with IntervalStyle iso_8601.
func Interval(months int32, days int32, micros int64) string {
	if months == 0 && days == 0 && micros == 0 {
		return "PT0S"
	}
	var sb strings.Builder
	sb.WriteByte('P')
	if y := months / 12; y != 0 {
		sb.WriteString(strconv.Itoa(int(y)) + "Y")
	}
	if m := months % 12; m != 0 {
		sb.WriteString(strconv.Itoa(int(m)) + "M")
	}
	if days != 0 {
		sb.WriteString(strconv.Itoa(int(days)) + "D")
	}
	if micros != 0 {
		sb.WriteByte('T')
		// Work on the magnitude as uint64: -math.MinInt64 does not fit int64.
		sign, u := "", uint64(micros)
		if micros < 0 {
			sign, u = "-", -u
		}
		h := u / 3600e6
		u -= h * 3600e6
		m := u / 60e6
		u -= m * 60e6
		if h != 0 {
			sb.WriteString(sign + strconv.FormatUint(h, 10) + "H")
		}
		if m != 0 {
			sb.WriteString(sign + strconv.FormatUint(m, 10) + "M")
		}
		if u != 0 {
			sec := strconv.FormatUint(u/1e6, 10)
			if frac := u % 1e6; frac != 0 {
				sec += strings.TrimRight("."+leftPad(strconv.FormatUint(frac, 10), 6), "0")
			}
			sb.WriteString(sign + sec + "S")
		}
	}
	return sb.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
