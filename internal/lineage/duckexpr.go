package lineage

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/iopsdata/iopsdata/internal/relq"
)

// target converts one select list item and appends it to q.Targets.
func (c *duckConv) target(q *relq.Query, e map[string]any) error {
	if e == nil {
		return errors.New("DuckDB parser: empty select list item")
	}
	if duckStr(e["class"]) == "STAR" {
		t, err := c.star(e)
		if err != nil {
			return err
		}
		q.Targets = append(q.Targets, t)
		return nil
	}
	// * LIKE 'pattern', * SIMILAR TO 'regex', * GLOB 'pattern'.
	if duckStr(e["class"]) == "FUNCTION" {
		if ch := duckArr(e["children"]); len(ch) == 2 && duckStr(duckObj(ch[0])["class"]) == "STAR" && duckStarPatternFuncs[duckStr(e["function_name"])] {
			t, err := c.starPattern(e, duckObj(ch[0]), duckObj(ch[1]))
			if err != nil {
				return err
			}
			q.Targets = append(q.Targets, t)
			return nil
		}
	}
	var t relq.Target
	if err := c.top(e, &t.Expr); err != nil {
		return err
	}
	switch {
	case duckStr(e["alias"]) != "":
		t.Name = duckStr(e["alias"])
	case duckStr(e["class"]) == "COLUMN_REF":
		t.Name = relq.Name(duckStrs(e["column_names"])).Last()
	default:
		c.pending = append(c.pending, duckPendingName{q: q, i: len(q.Targets), expr: e})
	}
	q.Targets = append(q.Targets, t)
	return nil
}

// star converts *, t.*, COLUMNS(*), COLUMNS('regex') and COLUMNS([names])
// with their EXCLUDE and REPLACE lists.
func (c *duckConv) star(e map[string]any) (relq.Target, error) {
	t := relq.Target{Star: true}
	if r := duckStr(e["relation_name"]); r != "" {
		t.Qualifier = relq.Name{r}
	}
	if len(duckArr(e["rename_list"])) > 0 {
		return t, errors.New("* RENAME (...) is not supported in lineage")
	}
	t.Exclude = duckStrs(e["exclude_list"])
	for _, qe := range duckArr(e["qualified_exclude_list"]) {
		t.Exclude = append(t.Exclude, duckStr(duckObj(qe)["column"]))
	}
	for _, r := range duckArr(e["replace_list"]) {
		r := duckObj(r)
		rt := relq.Target{Name: duckStr(r["key"])}
		if err := c.top(duckObj(r["value"]), &rt.Expr); err != nil {
			return t, err
		}
		t.Replace = append(t.Replace, rt)
	}
	if !duckTruthy(e["columns"]) {
		return t, nil
	}
	if duckStr(e["alias"]) != "" {
		return t, errors.New("COLUMNS(...) AS name is not supported in lineage")
	}
	inner := duckObj(e["expr"])
	if inner == nil { // COLUMNS(*), COLUMNS(t.* EXCLUDE ...)
		return t, nil
	}
	switch duckStr(inner["class"]) {
	case "CONSTANT":
		v := duckObj(inner["value"])
		if s, ok := v["value"].(string); ok {
			if _, err := regexp.Compile(s); err != nil {
				return t, fmt.Errorf("COLUMNS(%q): the regular expression is not supported: %v", s, err)
			}
			t.Pattern = s
			return t, nil
		}
	case "STAR":
		it, err := c.star(inner)
		if err != nil {
			return t, err
		}
		it.Exclude = append(it.Exclude, t.Exclude...)
		it.Replace = append(it.Replace, t.Replace...)
		return it, nil
	case "FUNCTION":
		if strings.EqualFold(duckStr(inner["function_name"]), "list_value") {
			var alts []string
			for _, ch := range duckArr(inner["children"]) {
				s, ok := duckObj(duckObj(ch)["value"])["value"].(string)
				if !ok || duckStr(duckObj(ch)["class"]) != "CONSTANT" {
					return t, errors.New("COLUMNS([...]) with other than column names is not supported in lineage")
				}
				alts = append(alts, regexp.QuoteMeta(s))
			}
			t.Pattern = "^(?:" + strings.Join(alts, "|") + ")$"
			return t, nil
		}
	}
	return t, errors.New("COLUMNS(...) with a lambda or an expression is not supported in lineage; use COLUMNS('regex') or a column list")
}

// duckStarPatternFuncs are the operators DuckDB accepts after a star to
// choose columns by name (NOT LIKE is not among those supported).
var duckStarPatternFuncs = map[string]bool{"~~": true, "~~*": true, "~~~": true, "regexp_full_match": true, "!~~": true, "!~~*": true, "!~~~": true}

// starPattern converts * LIKE/ILIKE/GLOB/SIMILAR TO 'pattern'.
func (c *duckConv) starPattern(fn, star, pat map[string]any) (relq.Target, error) {
	t, err := c.star(star)
	if err != nil {
		return t, err
	}
	s, ok := duckObj(pat["value"])["value"].(string)
	name := duckStr(fn["function_name"])
	if !ok || duckStr(pat["class"]) != "CONSTANT" {
		return t, fmt.Errorf("* %s with a non-constant pattern is not supported in lineage", name)
	}
	switch name {
	case "~~":
		t.Pattern = duckLikeRegexp(s, false)
	case "~~*":
		t.Pattern = duckLikeRegexp(s, true)
	case "~~~":
		t.Pattern = duckGlobRegexp(s)
	case "regexp_full_match":
		t.Pattern = "^(?:" + s + ")$"
	default:
		return t, errors.New("* NOT LIKE / NOT GLOB 'pattern' is not supported in lineage")
	}
	if _, err := regexp.Compile(t.Pattern); err != nil {
		return t, fmt.Errorf("column pattern %q is not supported: %v", s, err)
	}
	return t, nil
}

// duckLikeRegexp turns a LIKE pattern (% _ and \ as escape) into an anchored
// regular expression.
func duckLikeRegexp(p string, fold bool) string {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^(?s:")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return b.String()
}

// duckGlobRegexp turns a GLOB pattern (* ? [...]) into an anchored regular
// expression.
func duckGlobRegexp(p string) string {
	var b strings.Builder
	b.WriteString("^(?s:")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			cls := string(rs[i+1 : j])
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + cls + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return b.String()
}

// top converts the whole expression of an output column: a bare column
// (or scalar subquery) is Identity, anything else Transformation.
func (c *duckConv) top(e map[string]any, out *relq.Expr) error {
	if e == nil {
		return nil
	}
	switch duckStr(e["class"]) {
	case "COLUMN_REF", "SUBQUERY":
		return c.expr(e, relq.Identity, out)
	}
	return c.expr(e, relq.Transformation, out)
}

// duckNest is the role of an operand of an expression in role r when the
// operand's own position asks for want. Outside the select list (filters,
// joins, grouping, sorting) every reference keeps the clause's role.
// CASE conditions and window keys stay so inside further expressions;
// aggregation wins over plain transformation.
func duckNest(r, want relq.Role) relq.Role {
	switch {
	case !r.Direct():
		return r
	case r == relq.Conditional || r == relq.Window:
		return r
	case r == relq.Aggregation && (want == relq.Transformation || want == relq.Identity):
		return r
	case want == relq.Identity:
		return relq.Transformation
	}
	return want
}

// expr collects the references and subqueries of e, in role r, into out.
// Known expression classes are handled by their fields; every other field
// that holds an expression is walked generically, so nothing is missed.
func (c *duckConv) expr(e map[string]any, r relq.Role, out *relq.Expr) error {
	if e == nil {
		return nil
	}
	switch cls := duckStr(e["class"]); cls {
	case "CONSTANT", "PARAMETER", "DEFAULT":
		return nil
	case "COLUMN_REF":
		name := relq.Name(duckStrs(e["column_names"]))
		if len(name) == 0 || c.isLambdaParam(name[0]) {
			return nil
		}
		out.Refs = append(out.Refs, relq.Ref{Name: name, Role: r})
		return nil
	case "STAR":
		if duckTruthy(e["columns"]) && r.Direct() {
			return errors.New("COLUMNS(...) or * inside an expression of the select list is not supported in lineage")
		}
		ref := relq.Ref{Star: true, Role: r}
		if q := duckStr(e["relation_name"]); q != "" {
			ref.Name = relq.Name{q}
		}
		out.Refs = append(out.Refs, ref)
		return nil
	case "POSITIONAL_REFERENCE":
		if r.Direct() {
			return errors.New("positional column references (#n) are not supported in lineage")
		}
		return nil
	case "FUNCTION":
		name := strings.ToLower(duckStr(e["function_name"]))
		orders := duckArr(duckObj(e["order_bys"])["orders"])
		agg := relq.IsAggregate(name) || duckTruthy(e["distinct"]) || e["filter"] != nil || len(orders) > 0
		argRole := duckNest(r, relq.Transformation)
		if agg {
			argRole = duckNest(r, relq.Aggregation)
		}
		for _, ch := range duckArr(e["children"]) {
			ch := duckObj(ch)
			if duckStr(ch["class"]) == "LAMBDA" && duckLambdaFuncs[name] {
				if err := c.lambda(ch, argRole, out); err != nil {
					return err
				}
				continue
			}
			if err := c.expr(ch, argRole, out); err != nil {
				return err
			}
		}
		for _, o := range orders {
			if err := c.expr(duckObj(duckObj(o)["expression"]), argRole, out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["filter"]), duckNest(r, relq.Conditional), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out, "children", "order_bys", "filter")
	case "CASE":
		for _, cc := range duckArr(e["case_checks"]) {
			cc := duckObj(cc)
			if err := c.expr(duckObj(cc["when_expr"]), duckNest(r, relq.Conditional), out); err != nil {
				return err
			}
			if err := c.expr(duckObj(cc["then_expr"]), duckNest(r, relq.Transformation), out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["else_expr"]), duckNest(r, relq.Transformation), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out, "case_checks", "else_expr")
	case "WINDOW":
		name := strings.ToLower(duckStr(e["function_name"]))
		argRole := duckNest(r, relq.Transformation)
		if duckStr(e["type"]) == "WINDOW_AGGREGATE" || relq.IsAggregate(name) {
			argRole = duckNest(r, relq.Aggregation)
		}
		for _, ch := range duckArr(e["children"]) {
			if err := c.expr(duckObj(ch), argRole, out); err != nil {
				return err
			}
		}
		for _, o := range duckArr(e["arg_orders"]) {
			if err := c.expr(duckObj(duckObj(o)["expression"]), argRole, out); err != nil {
				return err
			}
		}
		keyRole := duckNest(r, relq.Window)
		for _, p := range duckArr(e["partitions"]) {
			if err := c.expr(duckObj(p), keyRole, out); err != nil {
				return err
			}
		}
		for _, o := range duckArr(e["orders"]) {
			if err := c.expr(duckObj(duckObj(o)["expression"]), keyRole, out); err != nil {
				return err
			}
		}
		for _, k := range []string{"start_expr", "end_expr"} {
			if err := c.expr(duckObj(e[k]), keyRole, out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["filter_expr"]), duckNest(r, relq.Conditional), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out,
			"children", "arg_orders", "partitions", "orders", "start_expr", "end_expr", "filter_expr")
	case "LAMBDA":
		// Not an argument of a lambda function: DuckDB binds x -> y as
		// the JSON operator, both sides are operands.
		return c.walkRest(e, duckNest(r, relq.Transformation), out)
	case "SUBQUERY":
		return c.subquery(e, r, out)
	default:
		// OPERATOR, COMPARISON, CONJUNCTION, CAST, COLLATE, BETWEEN and
		// anything newer: every operand is transformed.
		return c.walkRest(e, duckNest(r, relq.Transformation), out)
	}
}

// walkRest walks every field of e except skip, looking for expressions.
func (c *duckConv) walkRest(e map[string]any, r relq.Role, out *relq.Expr, skip ...string) error {
	// Fields in a fixed order, for stable output.
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := e[k]
		if k == "class" || k == "type" || k == "alias" || k == "query_location" {
			continue
		}
		skipped := false
		for _, s := range skip {
			if k == s {
				skipped = true
				break
			}
		}
		if skipped {
			continue
		}
		if err := c.walkAny(v, r, out); err != nil {
			return err
		}
	}
	return nil
}

func (c *duckConv) walkAny(v any, r relq.Role, out *relq.Expr) error {
	switch v := v.(type) {
	case map[string]any:
		if duckIsExpr(v) {
			return c.expr(v, r, out)
		}
		if node := duckObj(v["node"]); node != nil && duckStr(node["type"]) != "" {
			// A query where an expression field was expected: its rows
			// are only tested.
			sub, err := c.query(node)
			if err != nil {
				return err
			}
			out.Subs = append(out.Subs, relq.Sub{Query: sub, Kind: relq.SubExists, Role: r})
			return nil
		}
		if _, isValue := v["is_null"]; isValue {
			return nil // a constant Value
		}
		return c.walkRest(v, r, out)
	case []any:
		for _, x := range v {
			if err := c.walkAny(x, r, out); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *duckConv) subquery(e map[string]any, r relq.Role, out *relq.Expr) error {
	node := duckObj(duckObj(e["subquery"])["node"])
	kind := relq.SubExists
	switch duckStr(e["subquery_type"]) {
	case "SCALAR":
		kind = relq.SubScalar
		// ARRAY(SELECT ...) arrives rewritten as a scalar subquery
		// aggregating the first column of the original one.
		if inner := duckArrayInner(node); inner != nil {
			node, kind = inner, relq.SubArray
		}
	case "EXISTS", "NOT_EXISTS", "ANY":
	default:
		return fmt.Errorf("DuckDB %s subquery is not supported", strings.ToLower(duckStr(e["subquery_type"])))
	}
	q, err := c.query(node)
	if err != nil {
		return err
	}
	role := r
	if kind == relq.SubExists {
		role = duckNest(r, relq.Transformation)
	}
	out.Subs = append(out.Subs, relq.Sub{Query: q, Kind: kind, Role: role})
	return c.expr(duckObj(e["child"]), duckNest(r, relq.Transformation), out)
}

// duckArrayInner recognizes DuckDB's rewrite of ARRAY(subquery):
//
//	SELECT CASE WHEN array_agg(#1) IS NULL THEN [] ELSE array_agg(#1) END FROM (subquery)
//
// and returns the subquery's node.
func duckArrayInner(node map[string]any) map[string]any {
	if duckStr(node["type"]) != "SELECT_NODE" {
		return nil
	}
	sel := duckArr(node["select_list"])
	ft := duckObj(node["from_table"])
	if len(sel) != 1 || duckStr(ft["type"]) != "SUBQUERY" || duckStr(ft["alias"]) != "" {
		return nil
	}
	ce := duckObj(sel[0])
	if duckStr(ce["class"]) != "CASE" {
		return nil
	}
	el := duckObj(ce["else_expr"])
	ch := duckArr(el["children"])
	if duckStr(el["function_name"]) != "array_agg" || len(ch) != 1 || duckStr(duckObj(ch[0])["class"]) != "POSITIONAL_REFERENCE" {
		return nil
	}
	return duckObj(duckObj(ft["subquery"])["node"])
}

// duckLambdaFuncs are DuckDB's functions taking a lambda; elsewhere
// x -> y is the JSON extraction operator.
var duckLambdaFuncs = map[string]bool{
	"list_transform": true, "array_transform": true, "list_apply": true, "array_apply": true, "apply": true,
	"list_filter": true, "array_filter": true, "filter": true,
	"list_reduce": true, "array_reduce": true, "reduce": true,
}

// lambda walks the body of a lambda argument: references to its
// parameters are not columns.
func (c *duckConv) lambda(e map[string]any, r relq.Role, out *relq.Expr) error {
	c.lambdas = append(c.lambdas, duckLambdaParams(duckObj(e["lhs"])))
	err := c.expr(duckObj(e["expr"]), duckNest(r, relq.Transformation), out)
	c.lambdas = c.lambdas[:len(c.lambdas)-1]
	if err != nil {
		return err
	}
	return c.walkRest(e, duckNest(r, relq.Transformation), out, "lhs", "expr")
}

// duckLambdaParams are the names a lambda's left side binds: x -> ..., or
// (x, y) -> ... which arrives as row(x, y).
func duckLambdaParams(lhs map[string]any) []string {
	switch duckStr(lhs["class"]) {
	case "COLUMN_REF":
		if n := duckStrs(lhs["column_names"]); len(n) > 0 {
			return []string{n[len(n)-1]}
		}
	case "FUNCTION":
		var ps []string
		for _, ch := range duckArr(lhs["children"]) {
			ps = append(ps, duckLambdaParams(duckObj(ch))...)
		}
		return ps
	}
	return nil
}

func (c *duckConv) isLambdaParam(name string) bool {
	for i := len(c.lambdas) - 1; i >= 0; i-- {
		for _, p := range c.lambdas[i] {
			if p == name {
				return true
			}
		}
	}
	return false
}
