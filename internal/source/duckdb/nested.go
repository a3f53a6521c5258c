package duckdb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// encodeNested encodes LIST, ARRAY, STRUCT, MAP and UNION values element by
// element with the element's own type, so a UUID inside a list is still a
// UUID string and not a BLOB.
func encodeNested(v any, info duckdb.TypeInfo) any {
	switch d := info.Details().(type) {
	case *duckdb.ListDetails:
		return encodeList(v, d.Child)
	case *duckdb.ArrayDetails:
		return encodeList(v, d.Child)
	case *duckdb.StructDetails:
		if m, ok := v.(map[string]any); ok {
			return encodeStruct(m, d.Entries)
		}
	case *duckdb.MapDetails:
		if m, ok := v.(duckdb.OrderedMap); ok {
			return encodeMap(m, d.Key, d.Value)
		}
	case *duckdb.UnionDetails:
		if u, ok := v.(duckdb.Union); ok {
			return encodeUnion(u, d.Members)
		}
	}
	return encodeGeneric(v)
}

func encodeList(v any, child duckdb.TypeInfo) any {
	list, ok := v.([]any)
	if !ok {
		return encodeGeneric(v)
	}
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = encodeValue(e, child)
	}
	return out
}

func encodeStruct(m map[string]any, entries []duckdb.StructEntry) map[string]any {
	out := make(map[string]any, len(m))
	for _, e := range entries {
		if v, ok := m[e.Name()]; ok {
			out[e.Name()] = encodeValue(v, e.Info())
		}
	}
	for k, v := range m { // fields the type did not list (should not happen)
		if _, ok := out[k]; !ok {
			out[k] = encodeGeneric(v)
		}
	}
	return out
}

// encodeMap encodes a MAP as a JSON object whose keys are the encoded keys
// as text. Later duplicates win, as in DuckDB's map_extract.
func encodeMap(m duckdb.OrderedMap, keyInfo, valueInfo duckdb.TypeInfo) map[string]any {
	keys, values := m.Keys(), m.Values()
	out := make(map[string]any, len(keys))
	for i, k := range keys {
		out[mapKey(encodeValue(k, keyInfo))] = encodeValue(values[i], valueInfo)
	}
	return out
}

func mapKey(k any) string {
	switch x := k.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case json.RawMessage:
		return string(x)
	case nil:
		return "null"
	}
	if b, err := json.Marshal(k); err == nil {
		return string(b)
	}
	return fmt.Sprint(k)
}

// encodeUnion encodes a UNION as its current member's value, as DuckDB
// prints it; the member names are in the column type.
func encodeUnion(u duckdb.Union, members []duckdb.UnionMember) any {
	for _, m := range members {
		if m.Name == u.Tag {
			return encodeValue(u.Value, m.Type)
		}
	}
	return encodeGeneric(u.Value)
}

// typeName renders a column type as DuckDB's typeof() does, for example
// "DECIMAL(18,3)", "INTEGER[]", "STRUCT(a INTEGER, \"type\" VARCHAR)".
// Names of types made with CREATE TYPE are not visible through the C API;
// an ENUM shows its values (or just ENUM when it has many).
func (s *Source) typeName(info duckdb.TypeInfo) string {
	if a := info.Alias(); a != "" {
		return a
	}
	switch d := info.Details().(type) {
	case *duckdb.DecimalDetails:
		return fmt.Sprintf("DECIMAL(%d,%d)", d.Width, d.Scale)
	case *duckdb.EnumDetails:
		return enumName(d.Values)
	case *duckdb.ListDetails:
		return s.typeName(d.Child) + "[]"
	case *duckdb.ArrayDetails:
		return fmt.Sprintf("%s[%d]", s.typeName(d.Child), d.Size)
	case *duckdb.MapDetails:
		return "MAP(" + s.typeName(d.Key) + ", " + s.typeName(d.Value) + ")"
	case *duckdb.StructDetails:
		parts := make([]string, len(d.Entries))
		for i, e := range d.Entries {
			parts[i] = s.fieldName(e.Name()) + " " + s.typeName(e.Info())
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *duckdb.UnionDetails:
		parts := make([]string, len(d.Members))
		for i, m := range d.Members {
			parts[i] = s.fieldName(m.Name) + " " + s.typeName(m.Type)
		}
		return "UNION(" + strings.Join(parts, ", ") + ")"
	}
	if name, ok := primitiveNames[info.InternalType()]; ok {
		return name
	}
	return fmt.Sprintf("TYPE(%d)", info.InternalType())
}

const maxEnumValuesInName = 32

func enumName(values []string) string {
	if len(values) > maxEnumValuesInName {
		return "ENUM"
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = quoteString(v)
	}
	return "ENUM(" + strings.Join(quoted, ", ") + ")"
}

// fieldName quotes a STRUCT field or UNION member name the way DuckDB does:
// when it holds anything but letters, digits and underscores, starts with a
// digit, or is a keyword.
func (s *Source) fieldName(name string) string {
	plain := name != ""
	for i, r := range name {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		plain = plain && ok
	}
	if plain && !s.keywords[strings.ToLower(name)] {
		return name
	}
	return quoteIdent(name)
}

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

var primitiveNames = map[duckdb.Type]string{
	duckdb.TYPE_BOOLEAN: "BOOLEAN", duckdb.TYPE_TINYINT: "TINYINT", duckdb.TYPE_SMALLINT: "SMALLINT",
	duckdb.TYPE_INTEGER: "INTEGER", duckdb.TYPE_BIGINT: "BIGINT", duckdb.TYPE_UTINYINT: "UTINYINT",
	duckdb.TYPE_USMALLINT: "USMALLINT", duckdb.TYPE_UINTEGER: "UINTEGER", duckdb.TYPE_UBIGINT: "UBIGINT",
	duckdb.TYPE_FLOAT: "FLOAT", duckdb.TYPE_DOUBLE: "DOUBLE", duckdb.TYPE_TIMESTAMP: "TIMESTAMP",
	duckdb.TYPE_DATE: "DATE", duckdb.TYPE_TIME: "TIME", duckdb.TYPE_INTERVAL: "INTERVAL",
	duckdb.TYPE_HUGEINT: "HUGEINT", duckdb.TYPE_UHUGEINT: "UHUGEINT", duckdb.TYPE_VARCHAR: "VARCHAR",
	duckdb.TYPE_BLOB: "BLOB", duckdb.TYPE_TIMESTAMP_S: "TIMESTAMP_S", duckdb.TYPE_TIMESTAMP_MS: "TIMESTAMP_MS",
	duckdb.TYPE_TIMESTAMP_NS: "TIMESTAMP_NS", duckdb.TYPE_UUID: "UUID", duckdb.TYPE_BIT: "BIT",
	duckdb.TYPE_TIME_TZ: "TIME WITH TIME ZONE", duckdb.TYPE_TIMESTAMP_TZ: "TIMESTAMP WITH TIME ZONE",
	duckdb.TYPE_BIGNUM: "BIGNUM", duckdb.TYPE_SQLNULL: "NULL", duckdb.TYPE_GEOMETRY: "GEOMETRY",
	duckdb.TYPE_VARIANT: "VARIANT",
}
