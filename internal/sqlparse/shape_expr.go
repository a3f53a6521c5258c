package sqlparse

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// target converts an output expression: a bare column is Identity.
func (c *shaper) target(t *msgType, v int32) relq.Expr {
	var e relq.Expr
	c.walk(t, v, relq.Identity, &e)
	return e
}

func (c *shaper) columnRef(t *msgType, v int32, role relq.Role) relq.Ref {
	r := relq.Ref{Role: role}
	for _, f := range c.each(t, v, "fields") {
		if f.t == nil {
			continue
		}
		switch f.t.name {
		case "String":
			r.Name = append(r.Name, c.str(f.t, f.v, "sval"))
		case "A_Star":
			r.Star = true
		}
	}
	return r
}

// indirectionRef reads (ref).field.field and (ref).* as one column
// reference; subscripts end the name.
func (c *shaper) indirectionRef(t *msgType, v int32, role relq.Role) (relq.Ref, bool) {
	at, av := c.get(t, v, "arg")
	if at == nil || at.name != "ColumnRef" {
		return relq.Ref{}, false
	}
	ref := c.columnRef(at, av, role)
	if ref.Star && len(ref.Name) == 0 {
		return relq.Ref{}, false
	}
	// (t.*).col is t.col, and (t.*).* is t.*.
	ref.Star = false
	ref.Name = append(relq.Name{}, ref.Name...)
	for _, ind := range c.each(t, v, "indirection") {
		if ind.t == nil {
			continue
		}
		switch ind.t.name {
		case "String":
			ref.Name = append(ref.Name, c.str(ind.t, ind.v, "sval"))
			continue
		case "A_Star":
			ref.Star = true
		}
		break
	}
	return ref, true
}

// down is the role of the operands of an expression in role r.
func down(r relq.Role) relq.Role {
	if r == relq.Identity {
		return relq.Transformation
	}
	return r
}

// inner combines the role of an enclosing context with the role an
// operand takes inside it: filters and indirect roles win, then the
// strongest direct role.
func inner(outer, r relq.Role) relq.Role {
	if outer >= relq.Conditional {
		return outer
	}
	if r > outer {
		return r
	}
	return outer
}

// walk collects the column references and subqueries of an expression.
// role applies to a column reference at this node; operands get down(role).
func (c *shaper) walk(t *msgType, v int32, role relq.Role, e *relq.Expr) {
	if t == nil || v < 0 {
		return
	}
	switch t.name {
	case "ColumnRef":
		e.Refs = append(e.Refs, c.columnRef(t, v, role))
		return
	case "A_Indirection":
		// (t).col and (t).* name a column of a row like t.col and t.*.
		if ref, ok := c.indirectionRef(t, v, role); ok {
			e.Refs = append(e.Refs, ref)
			for _, ind := range c.each(t, v, "indirection") { // subscripts
				if ind.t != nil && ind.t.name == "A_Indices" {
					c.walk(ind.t, ind.v, down(role), e)
				}
			}
			return
		}
	case "A_Const", "ParamRef", "SQLValueFunction", "String", "Integer", "Float", "Boolean", "BitString", "TypeName", "SetToDefault":
		return
	case "SubLink":
		c.walkChild(t, v, "testexpr", down(role), e)
		kind := relq.SubExists
		switch c.str(t, v, "sub_link_type") {
		case "EXPR_SUBLINK", "MULTIEXPR_SUBLINK":
			kind = relq.SubScalar
		case "ARRAY_SUBLINK":
			kind = relq.SubArray
		}
		if qt, qv := c.get(t, v, "subselect"); qt != nil && qt.name == "SelectStmt" {
			r := role
			if kind != relq.SubScalar {
				r = down(role)
			}
			e.Subs = append(e.Subs, relq.Sub{Query: c.query(qt, qv), Kind: kind, Role: r})
		}
		return
	case "FuncCall":
		name := ""
		if fn := c.strings(t, v, "funcname"); len(fn) > 0 {
			name = strings.ToLower(fn[len(fn)-1])
		}
		_, over := c.get(t, v, "over")
		agg := relq.IsAggregate(name) || c.bool(t, v, "agg_star") || c.bool(t, v, "agg_distinct") ||
			c.bool(t, v, "agg_within_group") || c.d.member(v, t.byProto["agg_order"]) >= 0 ||
			c.d.member(v, t.byProto["agg_filter"]) >= 0
		r := inner(role, relq.Transformation)
		if agg {
			r = inner(role, relq.Aggregation)
		}
		for _, a := range c.each(t, v, "args") {
			c.walk(a.t, a.v, r, e)
		}
		for _, a := range c.each(t, v, "agg_order") {
			c.walk(a.t, a.v, r, e)
		}
		c.walkChild(t, v, "agg_filter", inner(role, relq.Conditional), e)
		if over >= 0 {
			wt, wv := c.get(t, v, "over")
			if n := c.str(wt, wv, "name"); n != "" {
				e.Windows = append(e.Windows, n)
			}
			if n := c.str(wt, wv, "refname"); n != "" {
				e.Windows = append(e.Windows, n)
			}
			wr := inner(role, relq.Window)
			for _, f := range [...]string{"partition_clause", "order_clause"} {
				for _, a := range c.each(wt, wv, f) {
					c.walk(a.t, a.v, wr, e)
				}
			}
		}
		return
	case "CaseExpr":
		cond := inner(role, relq.Conditional)
		c.walkChild(t, v, "arg", cond, e)
		for _, w := range c.each(t, v, "args") {
			if w.t == nil {
				continue
			}
			c.walkChild(w.t, w.v, "expr", cond, e)
			c.walkChild(w.t, w.v, "result", down(role), e)
		}
		c.walkChild(t, v, "defresult", down(role), e)
		return
	}
	// Any other node: its operands, whatever they are.
	r := down(role)
	for _, m := range c.d.items(v) {
		f := t.field(m.key)
		if f == nil || f.msg == nil {
			continue
		}
		if f.list {
			for _, x := range c.d.items(m.val) {
				c.walkValue(f.msg, x.val, r, e)
			}
		} else {
			c.walkValue(f.msg, m.val, r, e)
		}
	}
}

func (c *shaper) walkValue(t *msgType, v int32, role relq.Role, e *relq.Expr) {
	if t.node {
		t, v = c.unwrap(v)
	}
	if t != nil && t.name == "SelectStmt" { // a query where an expression was expected
		e.Subs = append(e.Subs, relq.Sub{Query: c.query(t, v), Kind: relq.SubExists, Role: role})
		return
	}
	c.walk(t, v, role, e)
}

func (c *shaper) walkChild(t *msgType, v int32, field string, role relq.Role, e *relq.Expr) {
	ct, cv := c.get(t, v, field)
	c.walk(ct, cv, role, e)
}
