package postgres

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
)

func decodeString(t *testing.T, typ *typeInfo, in string) string {
	t.Helper()
	v, size := decodeText(typ, []byte(in))
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	if size != len(b) {
		t.Errorf("decode %q: size estimate %d, JSON %s is %d bytes", in, size, b, len(b))
	}
	return string(b)
}

func TestDecodeText(t *testing.T) {
	text, int4 := builtinTypes[25], builtinTypes[23]
	pair := &typeInfo{name: "pair", kind: kComposite, fields: []field{{"a", int4}, {"b", text}}}
	for _, c := range []struct {
		typ      *typeInfo
		in, want string
	}{
		{builtinTypes[1184], "2024-03-01 18:15:00.123456+05:30", `"2024-03-01T12:45:00.123456Z"`},
		{builtinTypes[1184], "1850-01-01 05:53:28+05:53:28", `"1850-01-01T00:00:00Z"`},
		{builtinTypes[1184], "2024-03-01 00:00:00-09:30", `"2024-03-01T09:30:00Z"`},
		{builtinTypes[1184], "10000-01-01 00:00:00+00", `"10000-01-01T00:00:00Z"`},
		{builtinTypes[1184], "0001-01-01 00:00:00+00 BC", `"0000-01-01T00:00:00Z"`},
		{builtinTypes[1114], "0001-12-31 23:59:59.999999 BC", `"0000-12-31T23:59:59.999999"`},
		{builtinTypes[1082], "4713-11-24 BC", `"-4712-11-24"`},
		{builtinTypes[1266], "01:00:00+05:53:28", `"01:00:00+05:53:28"`},
		{builtinTypes[1266], "01:00:00-08", `"01:00:00-08:00"`},
		{builtinTypes[1184], "garbage", `"garbage"`},
		{builtinTypes[20], "-9223372036854775808", `"-9223372036854775808"`},
		{builtinTypes[20], "-9007199254740991", `-9007199254740991`},
		{builtinTypes[5069], "18446744073709551615", `"18446744073709551615"`},
		{builtinTypes[701], "-1.5e-300", `-1.5e-300`},
		{builtinTypes[1007], "{{1,NULL},{3,4}}", `[[1,null],[3,4]]`},
		{builtinTypes[1009], `{"a\\b","\"",NULL,"NULL",null}`, `["a\\b","\"",null,"NULL",null]`},
		{builtinTypes[1009], `{"unterminated`, `"{\"unterminated"`},
		{builtinTypes[1009], `{a,b}x`, `"{a,b}x"`},
		{builtinTypes[1007], `[1:2][1:1]={{1},{2}}`, `[[1],[2]]`},
		{arrayOf(0, pair, ','), `{"(1,\"a,b\")","(,)",NULL}`, `[{"a":1,"b":"a,b"},{"a":null,"b":null},null]`},
		{pair, `(1,"say ""hi"" \\ back")`, `{"a":1,"b":"say \"hi\" \\ back"}`},
		{pair, `(1,"")`, `{"a":1,"b":""}`},
		{pair, `(1,b,extra)`, `{"a":1,"b":"b","f3":"extra"}`},
		{pair, `(1,b`, `"(1,b"`},
		{builtinTypes[3802], `{"a": "<&>"}`, `{"a":"\u003c\u0026\u003e"}`},
	} {
		if got := decodeString(t, c.typ, c.in); got != c.want {
			t.Errorf("decode %s %q = %s, want %s", c.typ.name, c.in, got, c.want)
		}
	}
}

func TestParseInt64(t *testing.T) {
	for _, n := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1 << 53, -(1 << 53)} {
		if got, ok := parseInt64([]byte(strconv.FormatInt(n, 10))); !ok || got != n {
			t.Errorf("parseInt64(%d) = %d, %v", n, got, ok)
		}
	}
	for _, s := range []string{"", "-", "9223372036854775808", "-9223372036854775809", "12a", "+1", "99999999999999999999"} {
		if _, ok := parseInt64([]byte(s)); ok {
			t.Errorf("parseInt64(%q) accepted", s)
		}
	}
}

func TestJSONStringSize(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "tab\tnew\nline\r", "\x00\x01\x1f", "<a href='x'>&</a>", "héllo ✓"} {
		b, _ := json.Marshal(s)
		if got := jsonStringSize(s); got != len(b) {
			t.Errorf("jsonStringSize(%q) = %d, want %d", s, got, len(b))
		}
	}
}

// FuzzDecodeText checks that no server text, however malformed, panics the
// decoders or yields a value that encoding/json cannot write.
func FuzzDecodeText(f *testing.F) {
	for _, seed := range []string{"{1,2}", `{"a\"",NULL}`, "(1,\"x\")", "2024-03-01 00:00:00+05:30", "0044-03-15 BC", "[0:1]={1,2}", "{{1},{2}}"} {
		f.Add(seed)
	}
	pair := &typeInfo{name: "pair", kind: kComposite, fields: []field{{"a", builtinTypes[23]}, {"b", builtinTypes[1009]}}}
	types := []*typeInfo{builtinTypes[1007], builtinTypes[1009], builtinTypes[1185], builtinTypes[1184],
		builtinTypes[1114], builtinTypes[1082], builtinTypes[1266], builtinTypes[20], builtinTypes[701], pair, arrayOf(0, pair, ',')}
	f.Fuzz(func(t *testing.T, in string) {
		for _, typ := range types {
			v, _ := decodeText(typ, []byte(in))
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("%s %q: %#v does not marshal: %v", typ.name, in, v, err)
			}
		}
	})
}
