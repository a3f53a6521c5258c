package postgres

import "strconv"

// kind selects how a text-format value is turned into its JSON form.
type kind uint8

const (
	kString      kind = iota // any text, passed through as a string
	kBool                    // "t" / "f"
	kInt                     // int2, int4, oid, xid, cid
	kInt8                    // int8, xid8: a number, or a string beyond 2^53
	kFloat                   // float4, float8
	kJSON                    // json, jsonb: embedded as json.RawMessage
	kTimestamp               // timestamp: "2024-03-01T13:45:00"
	kTimestampTZ             // timestamptz: converted to UTC, "…Z"
	kDate                    // date: only BC years need work
	kTimeTZ                  // timetz: offset normalised to ±HH:MM
	kArray                   // PostgreSQL array literal
	kComposite               // row literal, decoded to an object
)

// typeInfo describes one PostgreSQL type: its display name and how to decode
// its text form. Values are immutable once built and shared between queries.
type typeInfo struct {
	oid    uint32
	name   string // "int8", "int4[]", "mood"
	kind   kind
	elem   *typeInfo // kArray: the element type
	delim  byte      // kArray: element delimiter (',' except box)
	fields []field   // kComposite: attributes in order
}

type field struct {
	name string
	typ  *typeInfo
}

// builtinTypes covers the types of pg_catalog that queries commonly return,
// so that most queries need no catalog lookup. TestBuiltinTypesMatchCatalog
// checks every entry against pg_type.
var builtinTypes = buildBuiltins()

// builtinLookup maps OIDs of built-in types to their typeInfo.
type builtinLookup map[uint32]*typeInfo

func (m builtinLookup) get(oid uint32) *typeInfo { return m[oid] }

func buildBuiltins() builtinLookup {
	scalars := []struct {
		oid  uint32
		name string
		kind kind
	}{
		{16, "bool", kBool}, {17, "bytea", kString}, {18, "char", kString}, {19, "name", kString},
		{20, "int8", kInt8}, {21, "int2", kInt}, {22, "int2vector", kString}, {23, "int4", kInt},
		{24, "regproc", kString}, {25, "text", kString}, {26, "oid", kInt}, {27, "tid", kString},
		{28, "xid", kInt}, {29, "cid", kInt}, {30, "oidvector", kString}, {114, "json", kJSON},
		{142, "xml", kString}, {194, "pg_node_tree", kString}, {600, "point", kString},
		{601, "lseg", kString}, {602, "path", kString}, {603, "box", kString},
		{604, "polygon", kString}, {628, "line", kString}, {650, "cidr", kString},
		{700, "float4", kFloat}, {701, "float8", kFloat}, {705, "unknown", kString},
		{718, "circle", kString}, {774, "macaddr8", kString}, {790, "money", kString},
		{829, "macaddr", kString}, {869, "inet", kString}, {1033, "aclitem", kString},
		{1042, "bpchar", kString}, {1043, "varchar", kString}, {1082, "date", kDate},
		{1083, "time", kString}, {1114, "timestamp", kTimestamp}, {1184, "timestamptz", kTimestampTZ},
		{1186, "interval", kString}, {1266, "timetz", kTimeTZ}, {1560, "bit", kString},
		{1562, "varbit", kString}, {1700, "numeric", kString}, {1790, "refcursor", kString},
		{2202, "regprocedure", kString}, {2203, "regoper", kString}, {2204, "regoperator", kString},
		{2205, "regclass", kString}, {2206, "regtype", kString}, {2249, "record", kString},
		{2275, "cstring", kString}, {2278, "void", kString}, {2950, "uuid", kString},
		{3220, "pg_lsn", kString}, {3614, "tsvector", kString}, {3615, "tsquery", kString},
		{3734, "regconfig", kString}, {3769, "regdictionary", kString}, {3802, "jsonb", kJSON},
		{3904, "int4range", kString}, {3906, "numrange", kString}, {3908, "tsrange", kString},
		{3910, "tstzrange", kString}, {3912, "daterange", kString}, {3926, "int8range", kString},
		{4072, "jsonpath", kString}, {4089, "regnamespace", kString}, {4096, "regrole", kString},
		{5069, "xid8", kInt8},
	}
	// array type OID → element type OID
	arrays := [][2]uint32{
		{1000, 16}, {1001, 17}, {1002, 18}, {1003, 19}, {1016, 20}, {1005, 21}, {1006, 22},
		{1007, 23}, {1008, 24}, {1009, 25}, {1028, 26}, {1010, 27}, {1011, 28}, {1012, 29},
		{1013, 30}, {199, 114}, {143, 142}, {1017, 600}, {1018, 601}, {1019, 602}, {1020, 603},
		{1027, 604}, {629, 628}, {651, 650}, {1021, 700}, {1022, 701}, {719, 718}, {775, 774},
		{791, 790}, {1040, 829}, {1041, 869}, {1034, 1033}, {1014, 1042}, {1015, 1043},
		{1182, 1082}, {1183, 1083}, {1115, 1114}, {1185, 1184}, {1187, 1186}, {1270, 1266},
		{1561, 1560}, {1563, 1562}, {1231, 1700}, {2201, 1790}, {2207, 2202}, {2208, 2203},
		{2209, 2204}, {2210, 2205}, {2211, 2206}, {2287, 2249}, {1263, 2275}, {2951, 2950},
		{3221, 3220}, {3643, 3614}, {3645, 3615}, {3735, 3734}, {3770, 3769}, {3807, 3802},
		{3905, 3904}, {3907, 3906}, {3909, 3908}, {3911, 3910}, {3913, 3912}, {3927, 3926},
		{4073, 4072}, {4090, 4089}, {4097, 4096}, {271, 5069},
	}
	m := make(builtinLookup, len(scalars)+len(arrays))
	for _, s := range scalars {
		m[s.oid] = &typeInfo{oid: s.oid, name: s.name, kind: s.kind}
	}
	for _, a := range arrays {
		m[a[0]] = arrayOf(a[0], m[a[1]], ',')
	}
	m[1020].delim = ';' // box[] is the one built-in array with another delimiter
	return m
}

func arrayOf(oid uint32, elem *typeInfo, delim byte) *typeInfo {
	return &typeInfo{oid: oid, name: elem.name + "[]", kind: kArray, elem: elem, delim: delim}
}

// unknownType stands for an OID the catalog does not know (a type dropped
// while the query ran): its values are passed through as strings.
func unknownType(oid uint32) *typeInfo {
	return &typeInfo{oid: oid, name: strconv.FormatUint(uint64(oid), 10), kind: kString}
}
