package postgres

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

const valuesSetup = `
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);
CREATE TYPE pair AS (a int4, b text);
CREATE TYPE outer_t AS (p pair, tags text[], m mood, at timestamptz);
CREATE TABLE items (id int8 PRIMARY KEY, name text, price numeric(10,2));
INSERT INTO items VALUES (1, 'a', 1.50);
`

type valueCase struct {
	expr     string
	wantType string
	wantJSON string
}

func us(h, m, s, frac int64) int64 { return ((h*60+m)*60+s)*1e6 + frac }

// valueCases use only literals that read the same under any DateStyle, so
// they must give the same JSON in every session.
var valueCases = []valueCase{
	{`32767::int2`, "int2", `32767`},
	{`(-32768)::int2`, "int2", `-32768`},
	{`2147483647`, "int4", `2147483647`},
	{`(-2147483648)::int4`, "int4", `-2147483648`},
	{`42::int8`, "int8", `42`},
	{`9007199254740991::int8`, "int8", `9007199254740991`},
	{`9007199254740992::int8`, "int8", `"9007199254740992"`},
	{`(-9007199254740993)::int8`, "int8", `"-9007199254740993"`},
	{`9223372036854775807::int8`, "int8", `"9223372036854775807"`},
	{`(-9223372036854775808)::int8`, "int8", `"-9223372036854775808"`},
	{`123.4500::numeric`, "numeric", `"123.4500"`},
	{`(-1.5)::numeric`, "numeric", `"-1.5"`},
	{`12345678901234567890123456789.123456789012345::numeric`, "numeric", `"12345678901234567890123456789.123456789012345"`},
	{`0.00000000000000000001::numeric`, "numeric", `"0.00000000000000000001"`},
	{`'NaN'::numeric`, "numeric", `"NaN"`},
	{`'Infinity'::numeric`, "numeric", `"Infinity"`},
	{`1.5::float8`, "float8", `1.5`},
	{`0.1::float4`, "float4", `0.1`},
	{`0.1::float8 + 0.2::float8`, "float8", `0.30000000000000004`},
	{`1e300::float8`, "float8", `1e+300`},
	{`'NaN'::float8`, "float8", `"NaN"`},
	{`'Infinity'::float8`, "float8", `"Infinity"`},
	{`'-Infinity'::float4`, "float4", `"-Infinity"`},
	{`true`, "bool", `true`},
	{`false`, "bool", `false`},
	{`'héllo "q" \ <t>'::text`, "text", `"héllo \"q\" \\ \u003ct\u003e"`},
	{`'abc'::varchar(10)`, "varchar", `"abc"`},
	{`'ab'::char(5)`, "bpchar", `"ab   "`},
	{`'x'::"char"`, "char", `"x"`},
	{`'tbl'::name`, "name", `"tbl"`},
	{`'2024-03-01 13:45:00.123456'::timestamp`, "timestamp", `"2024-03-01T13:45:00.123456"`},
	{`'2024-03-01 13:45'::timestamp`, "timestamp", `"2024-03-01T13:45:00"`},
	{`'0044-03-15 12:00 BC'::timestamp`, "timestamp", `"-0043-03-15T12:00:00"`},
	{`'10000-01-01 00:00'::timestamp`, "timestamp", `"10000-01-01T00:00:00"`},
	{`'infinity'::timestamp`, "timestamp", `"infinity"`},
	{`'-infinity'::timestamp`, "timestamp", `"-infinity"`},
	{`'2024-03-01 12:45:00.123456+00'::timestamptz`, "timestamptz", `"2024-03-01T12:45:00.123456Z"`},
	{`'2024-07-01 00:00:00.5-07'::timestamptz`, "timestamptz", `"2024-07-01T07:00:00.5Z"`},
	{`'1850-01-01 00:00:00+00'::timestamptz`, "timestamptz", `"1850-01-01T00:00:00Z"`},
	{`'0044-03-15 12:00:00+00 BC'::timestamptz`, "timestamptz", `"-0043-03-15T12:00:00Z"`},
	{`'infinity'::timestamptz`, "timestamptz", `"infinity"`},
	{`'-infinity'::timestamptz`, "timestamptz", `"-infinity"`},
	{`'2024-03-01'::date`, "date", `"2024-03-01"`},
	{`'0001-01-01 BC'::date`, "date", `"0000-01-01"`},
	{`'infinity'::date`, "date", `"infinity"`},
	{`'13:45:00'::time`, "time", `"13:45:00"`},
	{`'13:45:00.123456'::time`, "time", `"13:45:00.123456"`},
	{`'24:00'::time`, "time", `"24:00:00"`},
	{`'13:45:00+02'::timetz`, "timetz", `"13:45:00+02:00"`},
	{`'13:45:00.5-03:30'::timetz`, "timetz", `"13:45:00.5-03:30"`},
	{`'1 year 2 months 3 days 04:05:06.5'::interval`, "interval", `"` + source.Interval(14, 3, us(4, 5, 6, 500000)) + `"`},
	{`'-1 year -2 months +3 days -04:05:06.5'::interval`, "interval", `"` + source.Interval(-14, 3, -us(4, 5, 6, 500000)) + `"`},
	{`'1 day -1 sec'::interval`, "interval", `"` + source.Interval(0, 1, -1e6) + `"`},
	{`'-0.5 sec'::interval`, "interval", `"` + source.Interval(0, 0, -500000) + `"`},
	{`'100 hours 0.000001 sec'::interval`, "interval", `"` + source.Interval(0, 0, us(100, 0, 0, 1)) + `"`},
	{`'0'::interval`, "interval", `"PT0S"`},
	{`'-178000000 years'::interval`, "interval", `"` + source.Interval(-2136000000, 0, 0) + `"`},
	{`'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid`, "uuid", `"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"`},
	{`'{"a": [1, 2], "b": null}'::json`, "json", `{"a":[1,2],"b":null}`},
	{`'{"b":1,"a":"x"}'::jsonb`, "jsonb", `{"a":"x","b":1}`},
	{`'"str"'::jsonb`, "jsonb", `"str"`},
	{`'42.50'::jsonb`, "jsonb", `42.50`},
	{`'null'::jsonb`, "jsonb", `null`},
	{`'{1,2,NULL}'::int4[]`, "int4[]", `[1,2,null]`},
	{`ARRAY['a b','c,d',NULL,'q"x','NULL','','back\slash','{}']`, "text[]", `["a b","c,d",null,"q\"x","NULL","","back\\slash","{}"]`},
	{`'{{1,2},{3,4}}'::int[]`, "int4[]", `[[1,2],[3,4]]`},
	{`ARRAY[ARRAY['a','b'],ARRAY['c',NULL]]`, "text[]", `[["a","b"],["c",null]]`},
	{`'{1.50,NaN}'::numeric[]`, "numeric[]", `["1.50","NaN"]`},
	{`ARRAY[9223372036854775807, 1]::int8[]`, "int8[]", `["9223372036854775807",1]`},
	{`'[0:1]={1,2}'::int[]`, "int4[]", `[1,2]`},
	{`'{}'::int[]`, "int4[]", `[]`},
	{`ARRAY['(1,2),(3,4)'::box, '(5,6),(7,8)'::box]`, "box[]", `["(3,4),(1,2)","(7,8),(5,6)"]`},
	{`ARRAY['2024-03-01 12:00+00'::timestamptz, NULL]`, "timestamptz[]", `["2024-03-01T12:00:00Z",null]`},
	{`ARRAY['{"a":1}'::jsonb, 'null']`, "jsonb[]", `[{"a":1},null]`},
	{`ARRAY[true, false]`, "bool[]", `[true,false]`},
	{`ARRAY['1 day'::interval]`, "interval[]", `["P1D"]`},
	{`ARRAY['2024-03-01'::date]`, "date[]", `["2024-03-01"]`},
	{`'\x0102ff'::bytea`, "bytea", `"\\x0102ff"`},
	{`''::bytea`, "bytea", `"\\x"`},
	{`'happy'::mood`, "mood", `"happy"`},
	{`ARRAY['sad','happy']::mood[]`, "mood[]", `["sad","happy"]`},
	{`5::posint`, "int4", `5`},
	{`ARRAY[5::posint, 7::posint]`, "posint[]", `[5,7]`},
	{`ROW(1,'x y')::pair`, "pair", `{"a":1,"b":"x y"}`},
	{`ROW(NULL,'')::pair`, "pair", `{"a":null,"b":""}`},
	{`ROW(ROW(2,'q"uote'), ARRAY['t1','t 2'], 'sad', '2024-03-01 12:00+00')::outer_t`, "outer_t",
		`{"at":"2024-03-01T12:00:00Z","m":"sad","p":{"a":2,"b":"q\"uote"},"tags":["t1","t 2"]}`},
	{`ARRAY[ROW(1,'a')::pair, NULL]`, "pair[]", `[{"a":1,"b":"a"},null]`},
	{`(SELECT i FROM items i)`, "items", `{"id":1,"name":"a","price":"1.50"}`},
	{`ROW(1,'a')`, "record", `"(1,a)"`},
	{`'192.168.0.1/24'::inet`, "inet", `"192.168.0.1/24"`},
	{`'10.0.0.0/8'::cidr`, "cidr", `"10.0.0.0/8"`},
	{`'08:00:2b:01:02:03'::macaddr`, "macaddr", `"08:00:2b:01:02:03"`},
	{`1259::oid`, "oid", `1259`},
	{`'<a>x</a>'::xml`, "xml", `"\u003ca\u003ex\u003c/a\u003e"`},
	{`B'1010'`, "bit", `"1010"`},
	{`B'101'::varbit`, "varbit", `"101"`},
	{`'a fat cat'::tsvector`, "tsvector", `"'a' 'cat' 'fat'"`},
	{`'[1,5)'::int4range`, "int4range", `"[1,5)"`},
	{`pg_sleep(0)`, "void", `""`},
}

// nullTypes are cast from NULL: every one must give null, with its name.
var nullTypes = []struct{ cast, name string }{
	{"int2", "int2"}, {"int4", "int4"}, {"int8", "int8"}, {"numeric", "numeric"}, {"float4", "float4"},
	{"float8", "float8"}, {"bool", "bool"}, {"text", "text"}, {"varchar", "varchar"}, {"char(3)", "bpchar"},
	{"timestamp", "timestamp"}, {"timestamptz", "timestamptz"}, {"date", "date"}, {"time", "time"},
	{"timetz", "timetz"}, {"interval", "interval"}, {"uuid", "uuid"}, {"json", "json"}, {"jsonb", "jsonb"},
	{"int4[]", "int4[]"}, {"text[]", "text[]"}, {"bytea", "bytea"}, {"mood", "mood"}, {"posint", "int4"},
	{"pair", "pair"}, {"inet", "inet"}, {"cidr", "cidr"}, {"macaddr", "macaddr"}, {"money", "money"},
	{"oid", "oid"}, {"xml", "xml"}, {"bit(4)", "bit"}, {"varbit", "varbit"}, {"tsvector", "tsvector"},
}

func TestValues(t *testing.T) {
	dsn := testutil.PGDatabase(t, valuesSetup)
	weird := withParams(dsn, "timezone=Asia/Kolkata", "options="+optEscape(
		"-c DateStyle=SQL,DMY -c IntervalStyle=postgres_verbose -c extra_float_digits=-3 -c bytea_output=escape"))
	for _, session := range []struct{ name, dsn string }{{"default", dsn}, {"non-UTC-and-odd-styles", weird}} {
		t.Run(session.name, func(t *testing.T) {
			s := openDSN(t, session.dsn, nil)
			if session.dsn == weird {
				got := toJSON(t, mustQuery(t, s, `SELECT reset_val FROM pg_settings
					WHERE name IN ('DateStyle', 'IntervalStyle', 'TimeZone', 'extra_float_digits', 'bytea_output') ORDER BY name COLLATE "C"`).Rows)
				if want := `[["SQL, DMY"],["postgres_verbose"],["Asia/Kolkata"],["escape"],["-3"]]`; got != want {
					t.Fatalf("session settings %s, want %s", got, want)
				}
			}
			for _, c := range valueCases {
				res := mustQuery(t, s, "SELECT "+c.expr)
				if got := res.Columns[0].Type; got != c.wantType {
					t.Errorf("%s: type %q, want %q", c.expr, got, c.wantType)
				}
				if got := toJSON(t, res.Rows[0][0]); got != c.wantJSON {
					t.Errorf("%s: %s, want %s", c.expr, got, c.wantJSON)
				}
			}
			for _, n := range nullTypes {
				res := mustQuery(t, s, "SELECT NULL::"+n.cast)
				if res.Rows[0][0] != nil || res.Columns[0].Type != n.name {
					t.Errorf("NULL::%s: %#v of type %q, want nil of type %q", n.cast, res.Rows[0][0], res.Columns[0].Type, n.name)
				}
			}
		})
	}
}

func TestValuesKeepSessionSemantics(t *testing.T) {
	dsn := testutil.PGDatabase(t, "")
	s := openDSN(t, withParams(dsn, "timezone=Asia/Kolkata", "options="+optEscape("-c DateStyle=SQL,DMY")), nil)
	if got := scalar(t, s, "SELECT current_setting('TimeZone')"); got != "Asia/Kolkata" {
		t.Errorf("TimeZone = %v, want the session's Asia/Kolkata", got)
	}
	// DMY still governs input; only the output format is ISO.
	if got := scalar(t, s, "SELECT '01/02/2024'::date"); got != "2024-02-01" {
		t.Errorf("'01/02/2024' under DMY = %v, want 2024-02-01", got)
	}
	// A timestamp literal without zone is read in the session's TimeZone.
	if got := scalar(t, s, "SELECT '2024-03-01 12:00'::timestamptz"); got != "2024-03-01T06:30:00Z" {
		t.Errorf("local timestamptz = %v, want 2024-03-01T06:30:00Z", got)
	}
}

func TestMoneyIsAString(t *testing.T) {
	s, _ := openDB(t, "", nil)
	res := mustQuery(t, s, "SELECT 12.34::money")
	// The text depends on lc_monetary ("$12.34", "12,34 €" …): only its form is fixed.
	if v, ok := res.Rows[0][0].(string); !ok || !strings.Contains(strings.ReplaceAll(v, ",", "."), "12.34") || res.Columns[0].Type != "money" {
		t.Errorf("money = %#v of type %q", res.Rows[0][0], res.Columns[0].Type)
	}
}

func TestJSONValuesAreRawMessages(t *testing.T) {
	s, _ := openDB(t, "", nil)
	res := mustQuery(t, s, `SELECT '{"a":1}'::json, 'null'::jsonb, NULL::jsonb`)
	if _, ok := res.Rows[0][0].(json.RawMessage); !ok {
		t.Errorf("json value is %T, want json.RawMessage", res.Rows[0][0])
	}
	if v, ok := res.Rows[0][1].(json.RawMessage); !ok || string(v) != "null" {
		t.Errorf("jsonb 'null' is %#v, want json.RawMessage(\"null\")", res.Rows[0][1])
	}
	if res.Rows[0][2] != nil {
		t.Errorf("SQL NULL jsonb is %#v, want nil", res.Rows[0][2])
	}
}

func TestUserTypesLookedUpOnce(t *testing.T) {
	s, dsn := openDB(t, valuesSetup, nil)
	mustQuery(t, s, "SELECT 'sad'::mood, ROW(1,'a')::pair")
	n := s.types.lookups.Load()
	if n == 0 {
		t.Fatal("no catalog lookup for user types")
	}
	mustQuery(t, s, "SELECT 'happy'::mood, ROW(2,'b')::pair, ARRAY['sad']::mood[]")
	if got := s.types.lookups.Load(); got != n+1 {
		t.Errorf("lookups = %d after a query with one new type, want %d", got, n+1)
	}
	mustQuery(t, s, "SELECT ARRAY['sad']::mood[], 'sad'::mood")
	if got := s.types.lookups.Load(); got != n+1 {
		t.Errorf("lookups = %d for cached types, want %d", got, n+1)
	}
	// Rows held back while a type is looked up still obey both caps.
	fresh := openDSN(t, dsn, nil)
	res, err := fresh.Query(t.Context(), "SELECT 'happy'::mood FROM generate_series(1, 10)", source.Limits{MaxRows: 5})
	if err != nil || len(res.Rows) != 5 || res.TruncatedBy != source.TruncatedRows || res.Columns[0].Type != "mood" {
		t.Errorf("row cap with a new type: %+v, %v", res, err)
	}
	fresh = openDSN(t, dsn, nil)
	res, err = fresh.Query(t.Context(), "SELECT 'happy'::mood FROM generate_series(1, 10)", source.Limits{MaxBytes: 30})
	if err != nil || len(res.Rows) != 2 || res.TruncatedBy != source.TruncatedBytes || res.Bytes != 21 {
		t.Errorf("byte cap with a new type: %+v, %v", res, err)
	}
}

// TestBuiltinTypesMatchCatalog checks the built-in table against pg_type:
// names, array elements and array delimiters.
func TestBuiltinTypesMatchCatalog(t *testing.T) {
	s, _ := openDB(t, "", nil)
	var oids []string
	for oid := range builtinTypes {
		oids = append(oids, strconv.FormatUint(uint64(oid), 10))
	}
	res := mustQuery(t, s, `SELECT t.oid, t.typname::text, t.typelem, e.typdelim::text, t.typcategory::text
		FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem WHERE t.oid = ANY($1::text[]::oid[])`, oids)
	if len(res.Rows) != len(builtinTypes) {
		t.Errorf("pg_type knows %d of the %d built-in OIDs", len(res.Rows), len(builtinTypes))
	}
	for _, r := range res.Rows {
		oid, elem := uint32(r[0].(int64)), uint32(r[2].(int64))
		typ, name := builtinTypes[oid], r[1].(string)
		// int2vector and oidvector have an element type but print as "1 2".
		isArray := strings.HasPrefix(name, "_") && elem != 0
		if typ.kind != kArray || !isArray {
			if typ.name != name || isArray != (typ.kind == kArray) {
				t.Errorf("oid %d: table has %q (kind %d), catalog %q (category %v)", oid, typ.name, typ.kind, name, r[4])
			}
			continue
		}
		if typ.elem.oid != elem || "_"+typ.elem.name != name || string(typ.delim) != r[3].(string) {
			t.Errorf("oid %d: table has %s[] delim %q, catalog %q elem %d delim %v", oid, typ.elem.name, typ.delim, name, elem, r[3])
		}
	}
}
