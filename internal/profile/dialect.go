package profile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/source"
)

// kind is how a column is profiled, decided from its type name.
type kind int

const (
	kindOther kind = iota // profiled as text: counts, distinct, top values
	kindText
	kindBool
	kindInt
	kindDecimal
	kindFloat
	kindDate
	kindTimestamp
	kindTimestampTZ
)

func (k kind) numeric() bool  { return k == kindInt || k == kindDecimal || k == kindFloat }
func (k kind) temporal() bool { return k == kindDate || k == kindTimestamp || k == kindTimestampTZ }

// ordered kinds have a min and a max.
func (k kind) ordered() bool { return k.numeric() || k.temporal() || k == kindText || k == kindBool }

var typmod = regexp.MustCompile(`\(\s*\d+(\s*,\s*\d+)?\s*\)`)

// kindOf classifies a PostgreSQL (format_type) or DuckDB type name.
func kindOf(typ string) kind {
	t := strings.ToLower(strings.TrimSpace(typ))
	if strings.HasSuffix(t, "]") {
		return kindOther // arrays and DuckDB fixed-size arrays
	}
	t = strings.Join(strings.Fields(typmod.ReplaceAllString(t, "")), " ")
	switch t {
	case "smallint", "integer", "bigint", "int", "int2", "int4", "int8", "tinyint", "hugeint",
		"utinyint", "usmallint", "uinteger", "ubigint", "uhugeint":
		return kindInt
	case "numeric", "decimal":
		return kindDecimal
	case "real", "double precision", "float4", "float8", "double", "float":
		return kindFloat
	case "date":
		return kindDate
	case "timestamp", "timestamp without time zone", "timestamp_s", "timestamp_ms", "timestamp_ns", "datetime":
		return kindTimestamp
	case "timestamp with time zone", "timestamptz":
		return kindTimestampTZ
	case "boolean", "bool":
		return kindBool
	case "text", "character varying", "varchar", "character", "char", "bpchar", "name", "string", "citext":
		return kindText
	}
	return kindOther
}

// dialect is one engine's spelling of the expressions a profile needs.
// Every func takes SQL the package built itself (quoted identifiers,
// aliases and numbers), never user text.
type dialect struct {
	double  string // the double-precision type name
	text    string // the text type name
	array   func(items []string) string
	regex   func(x, pattern string) string
	epoch   func(x string) string
	quant   func(x string, cont bool) string
	approx  func(x string) string // approximate distinct count; nil: none
	sample  func(from string, percent float64) string
	hasStat bool // planner statistics give n_distinct (pg_stats)
}

var dialects = map[source.Engine]*dialect{
	source.Postgres: {
		double: "double precision", text: "text",
		array: func(items []string) string { return "ARRAY[" + strings.Join(items, ", ") + "]" },
		regex: func(x, p string) string { return x + " ~ " + literal(p) },
		epoch: func(x string) string { return "CAST(extract(epoch FROM " + x + ") AS double precision)" },
		quant: func(x string, cont bool) string {
			if cont {
				return "percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY CAST(" + x + " AS double precision))"
			}
			return "percentile_disc(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY " + x + ")"
		},
		sample: func(from string, pct float64) string {
			return from + " TABLESAMPLE SYSTEM (" + number(pct) + ") REPEATABLE (0)"
		},
		hasStat: true,
	},
	source.DuckDB: {
		double: "DOUBLE", text: "VARCHAR",
		array: func(items []string) string { return "[" + strings.Join(items, ", ") + "]" },
		regex: func(x, p string) string { return "regexp_full_match(" + x + ", " + literal(p) + ")" },
		epoch: func(x string) string { return "CAST(epoch(" + x + ") AS DOUBLE)" },
		quant: func(x string, cont bool) string {
			if cont {
				return "quantile_cont(CAST(" + x + " AS DOUBLE), [0.25, 0.5, 0.75])"
			}
			return "quantile_disc(" + x + ", [0.25, 0.5, 0.75])"
		},
		approx: func(x string) string { return "approx_count_distinct(" + x + ")" },
		sample: func(from string, pct float64) string {
			return from + " USING SAMPLE " + number(pct) + " PERCENT (system, 42)"
		},
	},
}

func dialectFor(e source.Engine) (*dialect, error) {
	d, ok := dialects[e]
	if !ok {
		return nil, fmt.Errorf("profile: engine %q is not supported", e)
	}
	return d, nil
}

// toDouble converts a numeric or temporal column to a double for
// histograms (temporal values become seconds since the epoch).
func (d *dialect) toDouble(x string, k kind) string {
	if k.temporal() {
		return d.epoch(x)
	}
	return "CAST(" + x + " AS " + d.double + ")"
}

// literal quotes a constant of this package as an SQL string.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// number spells a finite float as an SQL numeric literal.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ident double-quotes an identifier, always: catalog.QuoteIdent leaves
// names bare that only PostgreSQL's keyword list allows, and DuckDB
// reserves others (AT, for one).
// ident quotes always: QuoteIdent leaves DuckDB keywords such as "at" bare.
func ident(name string) string { return catalog.QuoteAlways(name) }
