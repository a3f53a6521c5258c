package sqlparse

import (
	"github.com/iopsdata/iopsdata/internal/relq"
)

// query converts a SelectStmt.
func (c *shaper) query(t *msgType, v int32) *relq.Query {
	q := &relq.Query{With: c.with(t, v)}
	switch c.str(t, v, "op") {
	case "SETOP_UNION":
		q.Op = relq.Union
	case "SETOP_INTERSECT":
		q.Op = relq.Intersect
	case "SETOP_EXCEPT":
		q.Op = relq.Except
	}
	if q.Op != relq.NoSetOp {
		if lt, lv := c.get(t, v, "larg"); lt != nil {
			q.Left = c.query(lt, lv)
		}
		if rt, rv := c.get(t, v, "rarg"); rt != nil {
			q.Right = c.query(rt, rv)
		}
		// pg_query puts SELECT ... INTO of a set operation on its leftmost SELECT.
		if q.Left != nil && len(q.Left.Into) > 0 {
			q.Into, q.Left.Into = q.Left.Into, nil
		}
		q.Filters = c.appendFilters(q.Filters, t, v, "sort_clause", relq.Sort)
		q.Filters = c.appendFilters(q.Filters, t, v, "limit_count", relq.Filter)
		q.Filters = c.appendFilters(q.Filters, t, v, "limit_offset", relq.Filter)
		return q
	}
	q.Targets = c.targets(t, v, "target_list")
	q.From = c.fromList(t, v, "from_clause")
	for _, row := range c.each(t, v, "values_lists") {
		var r []relq.Expr
		if row.t != nil && row.t.name == "List" {
			for _, e := range c.each(row.t, row.v, "items") {
				r = append(r, c.target(e.t, e.v))
			}
		}
		q.Values = append(q.Values, r)
	}
	q.Filters = c.appendFilters(q.Filters, t, v, "where_clause", relq.Filter)
	q.Filters = c.appendFilters(q.Filters, t, v, "group_clause", relq.GroupBy)
	q.Filters = c.appendFilters(q.Filters, t, v, "having_clause", relq.Filter)
	q.Filters = c.appendFilters(q.Filters, t, v, "sort_clause", relq.Sort)
	q.Filters = c.appendFilters(q.Filters, t, v, "distinct_clause", relq.GroupBy)
	q.Filters = c.appendFilters(q.Filters, t, v, "limit_count", relq.Filter)
	q.Filters = c.appendFilters(q.Filters, t, v, "limit_offset", relq.Filter)
	for _, w := range c.each(t, v, "window_clause") {
		if w.t == nil {
			continue
		}
		win := relq.NamedWindow{Name: c.str(w.t, w.v, "name"), Parent: c.str(w.t, w.v, "refname")}
		for _, f := range [...]string{"partition_clause", "order_clause"} {
			for _, e := range c.each(w.t, w.v, f) {
				c.walk(e.t, e.v, relq.Window, &win.Keys)
			}
		}
		q.Windows = append(q.Windows, win)
	}
	if it, iv := c.get(t, v, "into_clause"); it != nil {
		q.Into, _, _ = c.rangeVar(c.get(it, iv, "rel"))
	}
	return q
}

// appendFilters adds the expression(s) in field, with role, when they
// refer to anything.
func (c *shaper) appendFilters(fs []relq.Expr, t *msgType, v int32, field string, role relq.Role) []relq.Expr {
	var e relq.Expr
	id := t.byProto[field]
	if f := t.field(id); f != nil && f.list {
		for _, x := range c.each(t, v, field) {
			if n := c.position(x.t, x.v); n > 0 && (role == relq.GroupBy || role == relq.Sort) {
				e.Refs = append(e.Refs, relq.Ref{Pos: n, Role: role})
				continue
			}
			c.walk(x.t, x.v, role, &e)
		}
	} else {
		xt, xv := c.get(t, v, field)
		c.walk(xt, xv, role, &e)
	}
	if e.Empty() {
		return fs
	}
	return append(fs, e)
}

func (c *shaper) filter(t *msgType, v int32, field string, role relq.Role) relq.Expr {
	var e relq.Expr
	xt, xv := c.get(t, v, field)
	c.walk(xt, xv, role, &e)
	return e
}

// expr1 converts an expression with the Transformation role.
func (c *shaper) expr1(t *msgType, v int32) relq.Expr {
	var e relq.Expr
	c.walk(t, v, relq.Transformation, &e)
	return e
}

func setRole(e *relq.Expr, role relq.Role) {
	for i := range e.Refs {
		e.Refs[i].Role = role
	}
	for i := range e.Subs {
		e.Subs[i].Role = role
	}
}

// targets converts a target list (ResTargets).
func (c *shaper) targets(t *msgType, v int32, field string) []relq.Target {
	items := c.list(t, v, field)
	if len(items) == 0 {
		return nil
	}
	out := make([]relq.Target, 0, len(items))
	for _, e := range items {
		if e.t == nil || e.t.name != "ResTarget" {
			continue
		}
		vt, vv := c.get(e.t, e.v, "val")
		tg := relq.Target{Name: c.str(e.t, e.v, "name")}
		if vt != nil && vt.name == "A_Indirection" {
			if ref, ok := c.indirectionRef(vt, vv, relq.Identity); ok && ref.Star {
				tg.Star, tg.Qualifier = true, ref.Name
				out = append(out, tg)
				continue
			}
		}
		if vt != nil && vt.name == "ColumnRef" {
			if ref := c.columnRef(vt, vv, relq.Identity); ref.Star {
				tg.Star, tg.Qualifier = true, ref.Name
				out = append(out, tg)
				continue
			}
		}
		tg.Expr = c.target(vt, vv)
		if tg.Name == "" {
			tg.Name, _ = c.colname(vt, vv)
		}
		out = append(out, tg)
	}
	return out
}

// position reads GROUP BY n / ORDER BY n: an integer constant, bare or in a
// SortBy; 0 otherwise.
func (c *shaper) position(t *msgType, v int32) int {
	if t != nil && t.name == "SortBy" {
		t, v = c.get(t, v, "node")
	}
	if t == nil || t.name != "A_Const" {
		return 0
	}
	it, iv := c.get(t, v, "ival")
	if it == nil {
		return 0
	}
	return c.int(it, iv, "ival")
}
