package duckdb

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// encodeValue turns a value scanned by duckdb-go into its JSON form (see
// source.Encoding), guided by the column's DuckDB type. info may be nil when
// DuckDB could not describe the type; the Go type then decides.
func encodeValue(v any, info duckdb.TypeInfo) any {
	if v == nil {
		return nil
	}
	if info == nil {
		return encodeGeneric(v)
	}
	if info.Alias() == "JSON" {
		return encodeDecodedJSON(v)
	}
	switch info.InternalType() {
	case duckdb.TYPE_UUID:
		if b, ok := v.([]byte); ok && len(b) == 16 {
			return formatUUID(b)
		}
	case duckdb.TYPE_DATE:
		if t, ok := v.(time.Time); ok {
			return encodeDate(t)
		}
	case duckdb.TYPE_TIME:
		if t, ok := v.(time.Time); ok {
			return source.TimeOfDay(microsOfDay(t))
		}
	case duckdb.TYPE_TIME_TZ:
		if t, ok := v.(time.Time); ok {
			return t.Format("15:04:05.999999-07:00")
		}
	case duckdb.TYPE_TIMESTAMP, duckdb.TYPE_TIMESTAMP_S, duckdb.TYPE_TIMESTAMP_MS:
		if t, ok := v.(time.Time); ok {
			return encodeTimestamp(t, source.Timestamp)
		}
	case duckdb.TYPE_TIMESTAMP_NS:
		if t, ok := v.(time.Time); ok {
			return encodeTimestamp(t, timestampNS)
		}
	case duckdb.TYPE_TIMESTAMP_TZ:
		if t, ok := v.(time.Time); ok {
			return encodeTimestamp(t, source.TimestampTZ)
		}
	case duckdb.TYPE_LIST, duckdb.TYPE_ARRAY, duckdb.TYPE_STRUCT, duckdb.TYPE_MAP, duckdb.TYPE_UNION:
		return encodeNested(v, info)
	}
	return encodeGeneric(v)
}

// encodeGeneric encodes by Go type: what the driver returns for scalar types.
func encodeGeneric(v any) any {
	switch x := v.(type) {
	case bool, string:
		return x
	case int8, int16, int32, int64, int:
		return source.Int(reflectInt(x))
	case uint8, uint16, uint32, uint64, uint:
		return source.Uint(reflectUint(x))
	case float32:
		return encodeFloat32(x)
	case float64:
		return source.Float(x)
	case *big.Int:
		return encodeBigInt(x)
	case duckdb.Decimal:
		return formatDecimal(x.Value, int(x.Scale))
	case []byte:
		return source.Bytes(x)
	case time.Time:
		return encodeTimestamp(x, source.Timestamp)
	case duckdb.Interval:
		return source.Interval(x.Months, x.Days, x.Micros)
	case duckdb.Bit:
		return x.String()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = encodeGeneric(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = encodeGeneric(e)
		}
		return out
	case duckdb.OrderedMap:
		return encodeMap(x, nil, nil)
	case duckdb.Union:
		return encodeGeneric(x.Value)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func reflectInt(v any) int64 {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	}
	return v.(int64)
}

func reflectUint(v any) uint64 {
	switch x := v.(type) {
	case uint8:
		return uint64(x)
	case uint16:
		return uint64(x)
	case uint32:
		return uint64(x)
	case uint:
		return uint64(x)
	}
	return v.(uint64)
}

// encodeFloat32 widens a FLOAT by its shortest decimal form, so 0.1 stays
// 0.1 rather than becoming 0.10000000149011612.
func encodeFloat32(f float32) any {
	w := float64(f)
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return source.Float(w)
	}
	w, _ = strconv.ParseFloat(strconv.FormatFloat(w, 'g', -1, 32), 64)
	return w
}

func encodeBigInt(v *big.Int) any {
	if v.IsInt64() {
		return source.Int(v.Int64())
	}
	return v.String()
}

// formatDecimal prints an unscaled value with exactly scale fraction
// digits, as PostgreSQL prints numeric(p,s): DECIMAL(18,3) 1.5 is "1.500".
func formatDecimal(v *big.Int, scale int) string {
	digits := new(big.Int).Abs(v).String()
	sign := ""
	if v.Sign() < 0 {
		sign = "-"
	}
	if scale <= 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	cut := len(digits) - scale
	return sign + digits[:cut] + "." + digits[cut:]
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// DuckDB's infinite dates are ±(2^31-1) days from the epoch; duckdb-go turns
// them into these calendar dates.
var (
	dateInfinity    = time.Unix(0, 0).UTC().AddDate(0, 0, math.MaxInt32)
	dateNegInfinity = time.Unix(0, 0).UTC().AddDate(0, 0, -math.MaxInt32)
)

func encodeDate(t time.Time) string {
	switch {
	case t.Equal(dateInfinity):
		return "infinity"
	case t.Equal(dateNegInfinity):
		return "-infinity"
	}
	return source.Date(t)
}

// DuckDB's infinite timestamps are ±(2^63-1) in the type's unit.
var (
	tsInfinity = []time.Time{time.UnixMicro(math.MaxInt64), time.Unix(math.MaxInt64, 0),
		time.UnixMilli(math.MaxInt64), time.Unix(0, math.MaxInt64)}
	tsNegInfinity = []time.Time{time.UnixMicro(-math.MaxInt64), time.Unix(-math.MaxInt64, 0),
		time.UnixMilli(-math.MaxInt64), time.Unix(0, -math.MaxInt64)}
)

func encodeTimestamp(t time.Time, format func(time.Time) string) string {
	for i := range tsInfinity {
		if t.Equal(tsInfinity[i]) {
			return "infinity"
		}
		if t.Equal(tsNegInfinity[i]) {
			return "-infinity"
		}
	}
	return format(t)
}

// timestampNS keeps TIMESTAMP_NS's nanoseconds.
func timestampNS(t time.Time) string {
	return t.Format("2006-01-02T15:04:05.999999999")
}

func microsOfDay(t time.Time) int64 {
	return int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 +
		int64(t.Nanosecond()/1000)
}

// encodeRawJSON embeds JSON text as it is.
func encodeRawJSON(v any) any {
	if s, ok := v.(string); ok && json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return encodeDecodedJSON(v)
}

// encodeDecodedJSON re-encodes a JSON value that duckdb-go already decoded
// (nested JSON, or a column the capped path could not cast to text).
func encodeDecodedJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return json.RawMessage(b)
}
