package source

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{
		{0, `0`}, {-1, `-1`}, {maxSafeInteger, `9007199254740991`}, {-maxSafeInteger, `-9007199254740991`},
		{maxSafeInteger + 1, `"9007199254740992"`}, {-maxSafeInteger - 1, `"-9007199254740992"`},
		{math.MaxInt64, `"9223372036854775807"`}, {math.MinInt64, `"-9223372036854775808"`},
	} {
		if got := marshal(t, Int(c.in)); got != c.want {
			t.Errorf("Int(%d) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := marshal(t, Uint(math.MaxUint64)); got != `"18446744073709551615"` {
		t.Errorf("Uint(max) = %s", got)
	}
	if got := marshal(t, Uint(42)); got != `42` {
		t.Errorf("Uint(42) = %s", got)
	}
	for in, want := range map[string]string{
		"42": `42`, "-9007199254740991": `-9007199254740991`, "9007199254740993": `"9007199254740993"`,
		"18446744073709551615": `"18446744073709551615"`, "-170141183460469231731687303715884105728": `"-170141183460469231731687303715884105728"`,
	} {
		if got := marshal(t, IntText(in)); got != want {
			t.Errorf("IntText(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestFloat(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{1.5, `1.5`}, {0.1, `0.1`}, {-2, `-2`}, {1e300, `1e+300`},
		{math.NaN(), `"NaN"`}, {math.Inf(1), `"Infinity"`}, {math.Inf(-1), `"-Infinity"`},
	} {
		if got := marshal(t, Float(c.in)); got != c.want {
			t.Errorf("Float(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	if got := Bytes([]byte{0x01, 0xab, 0xff}); got != `\x01abff` {
		t.Errorf("Bytes = %q", got)
	}
	if got := Bytes(nil); got != `\x` {
		t.Errorf("Bytes(nil) = %q", got)
	}
}

func TestTimes(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2024, 3, 1, 18, 15, 0, 123456789, kolkata)
	for _, c := range []struct{ got, want string }{
		{Timestamp(at), "2024-03-01T18:15:00.123456"},
		{Timestamp(time.Date(2024, 3, 1, 13, 45, 0, 0, time.UTC)), "2024-03-01T13:45:00"},
		{Timestamp(time.Date(-43, 3, 15, 12, 0, 0, 500000000, time.UTC)), "-0043-03-15T12:00:00.5"},
		{Timestamp(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), "10000-01-01T00:00:00"},
		{TimestampTZ(at), "2024-03-01T12:45:00.123456Z"},
		{TimestampTZ(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)), "2024-03-01T00:00:00Z"},
		{Date(at), "2024-03-01"},
		{Date(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)), "0000-01-01"},
		{TimeOfDay(0), "00:00:00"},
		{TimeOfDay(((13*60+45)*60)*1e6 + 123456), "13:45:00.123456"},
		{TimeOfDay(((13*60+45)*60)*1e6 + 500000), "13:45:00.5"},
		{TimeOfDay(24 * 3600 * 1e6), "24:00:00"},
		{TimeOfDay(24*3600*1e6 - 1), "23:59:59.999999"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestInterval(t *testing.T) {
	const sec = int64(1e6)
	for _, c := range []struct {
		months, days int32
		micros       int64
		want         string
	}{
		{0, 0, 0, "PT0S"},
		{14, 3, (4*3600+5*60+6)*sec + sec/2, "P1Y2M3DT4H5M6.5S"},
		{-14, 3, -((4*3600+5*60+6)*sec + sec/2), "P-1Y-2M3DT-4H-5M-6.5S"},
		{12, 0, 0, "P1Y"},
		{1, 0, 0, "P1M"},
		{0, -1, 0, "P-1D"},
		{0, 1, -sec, "P1DT-1S"},
		{0, 0, -sec / 2, "PT-0.5S"},
		{0, 0, 1, "PT0.000001S"},
		{0, 0, 100 * 3600 * sec, "PT100H"},
		{0, 0, 60 * sec, "PT1M"},
		{0, 0, 3600*sec + 1, "PT1H0.000001S"},
		{math.MaxInt32, math.MaxInt32, math.MaxInt64, "P178956970Y7M2147483647DT2562047788H54.775807S"},
		{math.MinInt32, math.MinInt32, math.MinInt64, "P-178956970Y-8M-2147483648DT-2562047788H-54.775808S"},
	} {
		if got := Interval(c.months, c.days, c.micros); got != c.want {
			t.Errorf("Interval(%d, %d, %d) = %q, want %q", c.months, c.days, c.micros, got, c.want)
		}
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
