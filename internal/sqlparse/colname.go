package sqlparse

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// colname derives an output column's name the way PostgreSQL does when it
// has no alias (FigureColnameInternal): a column's name, a function's
// name, a cast's type, and "?column?" when nothing better is known. The
// strength says how good the name is (2 beats a cast's type name).
func (c *shaper) colname(t *msgType, v int32) (string, int) {
	if t == nil {
		return "?column?", 0
	}
	switch t.name {
	case "ColumnRef", "A_Indirection":
		// The last field name, ignoring * and subscripts.
		field := "fields"
		if t.name == "A_Indirection" {
			field = "indirection"
		}
		name := ""
		for _, f := range c.each(t, v, field) {
			if f.t != nil && f.t.name == "String" {
				name = c.str(f.t, f.v, "sval")
			}
		}
		if name != "" {
			return name, 2
		}
		if t.name == "A_Indirection" {
			return c.colname(c.get(t, v, "arg"))
		}
	case "FuncCall":
		if fn := c.strings(t, v, "funcname"); len(fn) > 0 {
			return fn[len(fn)-1], 2
		}
	case "A_Expr":
		if c.str(t, v, "kind") == "AEXPR_NULLIF" {
			return "nullif", 2
		}
	case "TypeCast":
		name, s := c.colname(c.get(t, v, "arg"))
		if s <= 1 {
			if tt, tv := c.get(t, v, "type_name"); tt != nil {
				if ns := c.strings(tt, tv, "names"); len(ns) > 0 {
					return ns[len(ns)-1], 1
				}
			}
		}
		return name, s
	case "CollateClause":
		return c.colname(c.get(t, v, "arg"))
	case "GroupingFunc":
		return "grouping", 2
	case "MergeSupportFunc":
		return "merge_action", 2
	case "SubLink":
		switch c.str(t, v, "sub_link_type") {
		case "EXISTS_SUBLINK":
			return "exists", 2
		case "ARRAY_SUBLINK":
			return "array", 2
		case "EXPR_SUBLINK":
			// The subquery's column name, "?column?" included, at full strength.
			if qt, qv := c.get(t, v, "subselect"); qt != nil {
				for qt != nil && c.str(qt, qv, "op") != "" && c.str(qt, qv, "op") != "SETOP_NONE" {
					qt, qv = c.get(qt, qv, "larg")
				}
				if qt != nil {
					if ts := c.list(qt, qv, "target_list"); len(ts) > 0 && ts[0].t != nil {
						if n := c.str(ts[0].t, ts[0].v, "name"); n != "" {
							return n, 2
						}
						vt, vv := c.get(ts[0].t, ts[0].v, "val")
						if vt != nil && vt.name == "ColumnRef" && c.columnRef(vt, vv, relq.Identity).Star {
							// (SELECT * ...): the name of the column * expands to,
							// known only when the subquery is resolved.
							return relq.SubqueryName, 2
						}
						n, _ := c.colname(vt, vv)
						return n, 2
					}
				}
			}
		}
	case "CaseExpr":
		// Named after its ELSE result when that has a good name.
		if n, s := c.colname(c.get(t, v, "defresult")); s > 1 {
			return n, s
		}
		return "case", 1
	case "A_ArrayExpr":
		return "array", 2
	case "RowExpr":
		return "row", 2
	case "CoalesceExpr":
		return "coalesce", 2
	case "MinMaxExpr":
		if c.str(t, v, "op") == "IS_LEAST" {
			return "least", 2
		}
		return "greatest", 2
	case "SQLValueFunction":
		op := strings.ToLower(strings.TrimPrefix(c.str(t, v, "op"), "SVFOP_"))
		return strings.TrimSuffix(op, "_n"), 2
	case "XmlExpr":
		switch c.str(t, v, "op") {
		case "IS_XMLCONCAT":
			return "xmlconcat", 2
		case "IS_XMLELEMENT":
			return "xmlelement", 2
		case "IS_XMLFOREST":
			return "xmlforest", 2
		case "IS_XMLPARSE":
			return "xmlparse", 2
		case "IS_XMLPI":
			return "xmlpi", 2
		case "IS_XMLROOT":
			return "xmlroot", 2
		case "IS_XMLSERIALIZE":
			return "xmlserialize", 2
		case "IS_DOCUMENT":
		}
	case "XmlSerialize":
		return "xmlserialize", 2
	case "JsonObjectConstructor":
		return "json_object", 2
	case "JsonArrayConstructor", "JsonArrayQueryConstructor":
		return "json_array", 2
	case "JsonObjectAgg":
		return "json_objectagg", 2
	case "JsonArrayAgg":
		return "json_arrayagg", 2
	case "JsonFuncExpr":
		switch c.str(t, v, "op") {
		case "JSON_EXISTS_OP":
			return "json_exists", 2
		case "JSON_QUERY_OP":
			return "json_query", 2
		case "JSON_VALUE_OP":
			return "json_value", 2
		}
	case "JsonParseExpr":
		return "json", 2
	case "JsonScalarExpr":
		return "json_scalar", 2
	case "JsonSerializeExpr":
		return "json_serialize", 2
	}
	return "?column?", 0
}
