package lineage

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/iopsdata/iopsdata/internal/relq"
)

// duckPendingName is a target whose name DuckDB derives from its text.
type duckPendingName struct {
	q      *relq.Query
	i      int
	prefix string // put before the text (PIVOT column names)
	expr   map[string]any
}

// duckConv converts one json_serialize_sql document.
type duckConv struct {
	pending []duckPendingName
	lambdas [][]string // lambda parameters in scope, innermost last
}

func (c *duckConv) stmt(st map[string]any) (relq.Stmt, error) {
	node := duckObj(st["node"])
	if node == nil {
		return relq.Stmt{}, errors.New("DuckDB parser: statement without a query node")
	}
	// DESCRIBE, SUMMARIZE and SHOW arrive as SELECT * FROM <show ref>.
	if duckStr(node["type"]) == "SELECT_NODE" {
		if ft := duckObj(node["from_table"]); duckStr(ft["type"]) == "SHOW_REF" {
			kind := "show"
			switch duckStr(ft["show_type"]) {
			case "DESCRIBE":
				kind = "describe"
			case "SUMMARY":
				kind = "summarize"
			}
			return relq.Stmt{Kind: kind}, nil
		}
	}
	q, err := c.query(node)
	if err != nil {
		return relq.Stmt{}, err
	}
	return relq.Stmt{Kind: "select", Query: q}, nil
}

// query converts a query node.
func (c *duckConv) query(node map[string]any) (*relq.Query, error) {
	if node == nil {
		return nil, errors.New("DuckDB parser: missing query node")
	}
	with, err := c.with(duckObj(node["cte_map"]))
	if err != nil {
		return nil, err
	}
	var q *relq.Query
	switch t := duckStr(node["type"]); t {
	case "SELECT_NODE":
		q, err = c.selectNode(node)
	case "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE":
		q = &relq.Query{Op: relq.Union}
		if t == "SET_OPERATION_NODE" {
			switch op := duckStr(node["setop_type"]); op {
			case "UNION":
			case "UNION_BY_NAME":
				q.ByName = true
			case "EXCEPT":
				q.Op = relq.Except
			case "INTERSECT":
				q.Op = relq.Intersect
			default:
				return nil, fmt.Errorf("DuckDB set operation %s is not supported", op)
			}
		}
		if q.Left, err = c.query(duckObj(node["left"])); err != nil {
			return nil, err
		}
		if q.Right, err = c.query(duckObj(node["right"])); err != nil {
			return nil, err
		}
		// ORDER BY and LIMIT of a set operation refer to its output
		// columns only: nothing to add.
	default:
		return nil, fmt.Errorf("DuckDB query node %s is not supported", t)
	}
	if err != nil {
		return nil, err
	}
	q.With = with
	return q, nil
}

func (c *duckConv) with(cm map[string]any) (*relq.With, error) {
	entries := duckArr(cm["map"])
	if len(entries) == 0 {
		return nil, nil
	}
	w := &relq.With{}
	for _, e := range entries {
		e := duckObj(e)
		v := duckObj(e["value"])
		node := duckObj(duckObj(v["query"])["node"])
		if duckStr(node["type"]) == "RECURSIVE_CTE_NODE" {
			w.Recursive = true
		}
		q, err := c.query(node)
		if err != nil {
			return nil, err
		}
		w.CTEs = append(w.CTEs, relq.CTE{Name: duckStr(e["key"]), Columns: duckStrs(v["aliases"]), Query: q})
	}
	return w, nil
}

func (c *duckConv) selectNode(node map[string]any) (*relq.Query, error) {
	q := &relq.Query{}
	ft := duckObj(node["from_table"])
	sel := duckArr(node["select_list"])

	// VALUES arrives as SELECT * FROM <expression list>.
	if duckStr(ft["type"]) == "EXPRESSION_LIST" && len(sel) == 1 && duckIsPlainStar(duckObj(sel[0])) &&
		node["where_clause"] == nil && len(duckArr(node["modifiers"])) == 0 && len(duckArr(node["group_expressions"])) == 0 {
		return c.values(ft)
	}

	if ft != nil {
		f, err := c.from(q, ft, false)
		if err != nil {
			return nil, err
		}
		if f != nil {
			q.From = append(q.From, f)
		}
	}
	for _, s := range sel {
		if err := c.target(q, duckObj(s)); err != nil {
			return nil, err
		}
	}
	add := func(v any, role relq.Role) error {
		e := duckObj(v)
		if e == nil {
			return nil
		}
		var x relq.Expr
		if err := c.expr(e, role, &x); err != nil {
			return err
		}
		if !x.Empty() {
			q.Filters = append(q.Filters, x)
		}
		return nil
	}
	if err := add(node["where_clause"], relq.Filter); err != nil {
		return nil, err
	}
	for _, g := range duckArr(node["group_expressions"]) {
		if err := add(g, relq.GroupBy); err != nil {
			return nil, err
		}
	}
	if err := add(node["having"], relq.Filter); err != nil {
		return nil, err
	}
	if err := add(node["qualify"], relq.Filter); err != nil {
		return nil, err
	}
	for _, m := range duckArr(node["modifiers"]) {
		m := duckObj(m)
		switch duckStr(m["type"]) {
		case "ORDER_MODIFIER":
			for _, o := range duckArr(m["orders"]) {
				e := duckObj(duckObj(o)["expression"])
				if duckIsOrderAll(e) {
					if x := duckOrderAll(q); !x.Empty() {
						q.Filters = append(q.Filters, x)
					}
					continue
				}
				if err := add(e, relq.Sort); err != nil {
					return nil, err
				}
			}
		case "LIMIT_MODIFIER", "LIMIT_PERCENT_MODIFIER":
			if err := add(m["limit"], relq.Filter); err != nil {
				return nil, err
			}
			if err := add(m["offset"], relq.Filter); err != nil {
				return nil, err
			}
		case "DISTINCT_MODIFIER":
			for _, d := range duckArr(m["distinct_on_targets"]) {
				if err := add(d, relq.GroupBy); err != nil {
					return nil, err
				}
			}
		default:
			// Unknown modifiers: whatever expressions they hold choose rows.
			var x relq.Expr
			if err := c.walkRest(m, relq.Filter, &x); err != nil {
				return nil, err
			}
			if !x.Empty() {
				q.Filters = append(q.Filters, x)
			}
		}
	}
	return q, nil
}

func (c *duckConv) values(ft map[string]any) (*relq.Query, error) {
	q := &relq.Query{}
	for _, row := range duckArr(ft["values"]) {
		var r []relq.Expr
		for _, v := range duckArr(row) {
			var x relq.Expr
			if err := c.top(duckObj(v), &x); err != nil {
				return nil, err
			}
			r = append(r, x)
		}
		q.Values = append(q.Values, r)
	}
	return q, nil
}

func duckIsPlainStar(e map[string]any) bool {
	return duckStr(e["class"]) == "STAR" && duckStr(e["relation_name"]) == "" && !duckTruthy(e["columns"]) &&
		e["expr"] == nil && len(duckArr(e["exclude_list"])) == 0 && len(duckArr(e["replace_list"])) == 0 &&
		len(duckArr(e["qualified_exclude_list"])) == 0 && len(duckArr(e["rename_list"])) == 0
}

// duckIsOrderAll reports ORDER BY ALL, which DuckDB parses as COLUMNS(*).
func duckIsOrderAll(e map[string]any) bool {
	return duckStr(e["class"]) == "STAR" && duckTruthy(e["columns"]) && e["expr"] == nil && duckStr(e["relation_name"]) == ""
}

// duckOrderAll is ORDER BY ALL: every output column sorts.
func duckOrderAll(q *relq.Query) relq.Expr {
	var x relq.Expr
	for _, t := range q.Targets {
		if t.Star {
			x.Refs = append(x.Refs, relq.Ref{Name: t.Qualifier, Star: true, Role: relq.Sort})
			continue
		}
		for _, r := range t.Expr.Refs {
			r.Role = relq.Sort
			x.Refs = append(x.Refs, r)
		}
		for _, s := range t.Expr.Subs {
			s.Role = relq.Sort
			x.Subs = append(x.Subs, s)
		}
	}
	return x
}

// from converts a table reference. Filters that a join stands for
// (SEMI and ANTI joins) are added to q.
func (c *duckConv) from(q *relq.Query, t map[string]any, right bool) (*relq.From, error) {
	alias := duckStr(t["alias"])
	cols := duckStrs(t["column_name_alias"])
	switch typ := duckStr(t["type"]); typ {
	case "EMPTY", "":
		return nil, nil
	case "BASE_TABLE":
		var name relq.Name
		for _, k := range []string{"catalog_name", "schema_name", "table_name"} {
			if s := duckStr(t[k]); s != "" {
				name = append(name, s)
			}
		}
		return &relq.From{Kind: relq.FromTable, Table: name, Alias: alias, ColAliases: cols}, nil
	case "SUBQUERY":
		sub, err := c.query(duckObj(duckObj(t["subquery"])["node"]))
		if err != nil {
			return nil, err
		}
		return &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: alias, ColAliases: cols, Lateral: right}, nil
	case "EXPRESSION_LIST":
		sub, err := c.values(t)
		if err != nil {
			return nil, err
		}
		return &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: alias, ColAliases: cols}, nil
	case "TABLE_FUNCTION":
		fn := duckObj(t["function"])
		f := &relq.From{Kind: relq.FromFunction, Alias: alias, ColAliases: cols, Lateral: right}
		f.Funcs = []string{duckStr(fn["function_name"])}
		for _, a := range duckArr(fn["children"]) {
			a := duckObj(a)
			// name = value is a named parameter, as DuckDB binds it.
			if duckStr(a["type"]) == "COMPARE_EQUAL" && duckStr(duckObj(a["left"])["class"]) == "COLUMN_REF" &&
				len(duckArr(duckObj(a["left"])["column_names"])) == 1 {
				a = duckObj(a["right"])
			}
			var x relq.Expr
			if err := c.expr(a, relq.Transformation, &x); err != nil {
				return nil, err
			}
			f.Args = append(f.Args, x)
		}
		return f, nil
	case "JOIN":
		left, err := c.from(q, duckObj(t["left"]), right)
		if err != nil {
			return nil, err
		}
		r, err := c.from(q, duckObj(t["right"]), true)
		if err != nil {
			return nil, err
		}
		var on relq.Expr
		if cond := duckObj(t["condition"]); cond != nil {
			if err := c.expr(cond, relq.Join, &on); err != nil {
				return nil, err
			}
		}
		using := duckStrs(t["using_columns"])
		jt := strings.ToLower(duckStr(t["join_type"]))
		if jt == "outer" {
			jt = "full"
		}
		if jt == "semi" || jt == "anti" {
			// a SEMI JOIN b ON cond is a WHERE [NOT] EXISTS (SELECT FROM b
			// WHERE cond): b's columns are not output.
			sub := &relq.Query{From: []*relq.From{r}}
			for _, u := range using {
				on.Refs = append(on.Refs, relq.Ref{Name: relq.Name{u}, Role: relq.Join})
			}
			if !on.Empty() {
				sub.Filters = append(sub.Filters, on)
			}
			q.Filters = append(q.Filters, relq.Expr{Subs: []relq.Sub{{Query: sub, Kind: relq.SubExists, Role: relq.Join}}})
			return left, nil
		}
		f := &relq.From{Kind: relq.FromJoin, Left: left, Right: r, On: on, Using: using}
		switch rt := duckStr(t["ref_type"]); rt {
		case "CROSS":
			jt = "cross"
		case "POSITIONAL":
			jt = "positional"
		case "ASOF":
			jt = "asof"
		case "NATURAL":
			f.Natural = true
		case "REGULAR", "DEPENDENT", "":
		default:
			return nil, fmt.Errorf("DuckDB %s join is not supported", strings.ToLower(rt))
		}
		f.JoinType = jt
		return f, nil
	case "PIVOT":
		return c.pivot(t, right)
	case "SHOW_REF":
		return nil, errors.New("DESCRIBE, SHOW and SUMMARIZE inside a query are not supported in lineage")
	default:
		return nil, fmt.Errorf("DuckDB table reference %s is not supported", strings.ToLower(typ))
	}
}

// pivot converts PIVOT and UNPIVOT with explicit IN lists into the
// equivalent grouping (or unpivoting) subquery.
//
// PIVOT (agg FOR col IN (v1, v2) GROUP BY g) is
//
//	SELECT g, agg FILTER (WHERE col = v1) AS "v1", ... FROM source GROUP BY g
//
// (without GROUP BY, the source's other columns group: * EXCLUDE the
// columns the aggregates and pivot expressions use); the pivot column is a
// condition of each aggregate. UNPIVOT (val FOR name IN (a, b)) is
// SELECT * EXCLUDE (a, b), name, val where val's sources are a and b.
func (c *duckConv) pivot(t map[string]any, right bool) (*relq.From, error) {
	sub := &relq.Query{}
	src, err := c.from(sub, duckObj(t["source"]), false)
	if err != nil {
		return nil, err
	}
	if src != nil {
		sub.From = append(sub.From, src)
	}
	f := &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: duckStr(t["alias"]), ColAliases: duckStrs(t["column_name_alias"]), Lateral: right}
	pivots := duckArr(t["pivots"])
	for _, pv := range pivots {
		for _, en := range duckArr(duckObj(pv)["entries"]) {
			if duckObj(en)["star_expr"] != nil || duckObj(en)["expr"] != nil {
				return nil, errors.New("PIVOT/UNPIVOT IN lists other than constants or column names are not supported in lineage")
			}
		}
		if len(duckArr(duckObj(pv)["entries"])) == 0 {
			return nil, errors.New("PIVOT/UNPIVOT without an IN list is not supported in lineage")
		}
	}
	if names := duckStrs(t["unpivot_names"]); len(names) > 0 {
		// UNPIVOT: one name column per pivot, then the value columns.
		if len(pivots) != 1 {
			return nil, errors.New("UNPIVOT with several name columns is not supported in lineage")
		}
		pv := duckObj(pivots[0])
		vals := make([]relq.Target, len(names))
		for i, n := range names {
			vals[i].Name = n
		}
		star := relq.Target{Star: true}
		for _, en := range duckArr(pv["entries"]) {
			ev := duckArr(duckObj(en)["values"])
			if len(ev) != len(names) {
				return nil, fmt.Errorf("UNPIVOT: %d columns for %d value names", len(ev), len(names))
			}
			for i, v := range ev {
				col, ok := duckObj(v)["value"].(string)
				if !ok {
					return nil, errors.New("UNPIVOT IN lists other than column names are not supported in lineage")
				}
				star.Exclude = append(star.Exclude, col)
				vals[i].Expr.Refs = append(vals[i].Expr.Refs, relq.Ref{Name: relq.Name{col}, Role: relq.Identity})
			}
		}
		sub.Targets = append(sub.Targets, star)
		for _, n := range duckStrs(pv["unpivot_names"]) {
			sub.Targets = append(sub.Targets, relq.Target{Name: n})
		}
		sub.Targets = append(sub.Targets, vals...)
		return f, nil
	}

	// PIVOT.
	aggs := duckArr(t["aggregates"])
	var used relq.Expr // everything the aggregates and pivots read
	var aggExprs []relq.Expr
	for _, a := range aggs {
		var x relq.Expr
		if err := c.expr(duckObj(a), relq.Transformation, &x); err != nil {
			return nil, err
		}
		aggExprs = append(aggExprs, x)
		used.Refs = append(used.Refs, x.Refs...)
	}
	var cond relq.Expr
	for _, pv := range pivots {
		for _, pe := range duckArr(duckObj(pv)["pivot_expressions"]) {
			if err := c.expr(duckObj(pe), relq.Conditional, &cond); err != nil {
				return nil, err
			}
		}
	}
	used.Refs = append(used.Refs, cond.Refs...)
	if groups := duckStrs(t["groups"]); len(groups) > 0 {
		var g relq.Expr
		for _, n := range groups {
			sub.Targets = append(sub.Targets, relq.Target{Name: n, Expr: relq.Expr{Refs: []relq.Ref{{Name: relq.Name{n}, Role: relq.Identity}}}})
			g.Refs = append(g.Refs, relq.Ref{Name: relq.Name{n}, Role: relq.GroupBy})
		}
		sub.Filters = append(sub.Filters, g)
	} else {
		star := relq.Target{Star: true}
		for _, r := range used.Refs {
			star.Exclude = append(star.Exclude, r.Name.Last())
		}
		sub.Targets = append(sub.Targets, star)
	}
	// Output columns: every combination of the pivots' entries, first
	// pivot outermost, times each aggregate.
	combos := []string{""}
	for _, pv := range pivots {
		var next []string
		for _, prefix := range combos {
			for _, en := range duckArr(duckObj(pv)["entries"]) {
				n, err := duckPivotEntryName(duckObj(en))
				if err != nil {
					return nil, err
				}
				if prefix != "" {
					n = prefix + "_" + n
				}
				next = append(next, n)
			}
		}
		combos = next
	}
	for _, combo := range combos {
		for i, a := range aggs {
			a := duckObj(a)
			x := relq.Expr{Subs: aggExprs[i].Subs, Windows: aggExprs[i].Windows}
			x.Refs = append(append(x.Refs, aggExprs[i].Refs...), cond.Refs...)
			t := relq.Target{Name: combo, Expr: x}
			switch {
			case duckStr(a["alias"]) != "":
				t.Name = combo + "_" + duckStr(a["alias"])
			case len(aggs) > 1:
				c.pending = append(c.pending, duckPendingName{q: sub, i: len(sub.Targets), prefix: combo + "_", expr: a})
			}
			sub.Targets = append(sub.Targets, t)
		}
	}
	return f, nil
}

// duckPivotEntryName is the column name part of one PIVOT IN entry: its
// alias, or its values joined by "_".
func duckPivotEntryName(en map[string]any) (string, error) {
	if a := duckStr(en["alias"]); a != "" {
		return a, nil
	}
	var parts []string
	for _, v := range duckArr(en["values"]) {
		v := duckObj(v)
		id := duckStr(duckObj(v["type"])["id"])
		switch x := v["value"].(type) {
		case nil:
			if duckTruthy(v["is_null"]) || id == "NULL" {
				parts = append(parts, "NULL")
				continue
			}
		case string:
			if id == "VARCHAR" {
				parts = append(parts, x)
				continue
			}
		case bool:
			parts = append(parts, fmt.Sprint(x))
			continue
		case json.Number:
			switch id {
			case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
				parts = append(parts, x.String())
				continue
			}
		}
		return "", fmt.Errorf("PIVOT IN value of type %s: give it a name (IN (value AS name)) to analyze lineage", strings.ToLower(id))
	}
	return strings.Join(parts, "_"), nil
}
