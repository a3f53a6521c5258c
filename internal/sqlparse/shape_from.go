package sqlparse

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// fromList converts a FROM list.
func (c *shaper) fromList(t *msgType, v int32, field string) []*relq.From {
	items := c.list(t, v, field)
	if len(items) == 0 {
		return nil
	}
	out := make([]*relq.From, 0, len(items))
	for _, e := range items {
		if f := c.from(e.t, e.v); f != nil {
			out = append(out, f)
		}
	}
	return out
}

func (c *shaper) from(t *msgType, v int32) *relq.From {
	if t == nil {
		return nil
	}
	switch t.name {
	case "RangeVar":
		name, alias, cols := c.rangeVar(t, v)
		return &relq.From{Kind: relq.FromTable, Table: name, Alias: alias, ColAliases: cols}
	case "RangeTableSample":
		f := c.from(c.get(t, v, "relation"))
		if f != nil {
			for _, a := range c.each(t, v, "args") {
				var e relq.Expr
				c.walk(a.t, a.v, relq.Filter, &e)
				f.Args = append(f.Args, e)
			}
		}
		return f
	case "RangeSubselect":
		f := &relq.From{Kind: relq.FromSubquery, Lateral: c.bool(t, v, "lateral")}
		f.Alias, f.ColAliases = c.alias(t, v, "alias")
		if qt, qv := c.get(t, v, "subquery"); qt != nil && qt.name == "SelectStmt" {
			f.Query = c.query(qt, qv)
		} else {
			f.Query = &relq.Query{}
		}
		return f
	case "RangeFunction":
		f := &relq.From{Kind: relq.FromFunction, Lateral: c.bool(t, v, "lateral")}
		f.Alias, f.ColAliases = c.alias(t, v, "alias")
		for _, item := range c.each(t, v, "functions") {
			if item.t == nil || item.t.name != "List" {
				continue
			}
			parts := c.list(item.t, item.v, "items")
			if len(parts) == 0 {
				continue
			}
			fn := parts[0]
			name := ""
			if fn.t != nil && fn.t.name == "FuncCall" {
				if n := c.strings(fn.t, fn.v, "funcname"); len(n) > 0 {
					name = n[len(n)-1]
				}
			} else if fn.t != nil {
				name = strings.ToLower(strings.TrimSuffix(fn.t.name, "Expr"))
			}
			var defs []string
			if len(parts) > 1 && parts[1].t != nil && parts[1].t.name == "List" {
				for _, cd := range c.each(parts[1].t, parts[1].v, "items") {
					if cd.t != nil && cd.t.name == "ColumnDef" {
						defs = append(defs, c.str(cd.t, cd.v, "colname"))
					}
				}
			}
			// unnest(a, b) in FROM is ROWS FROM (unnest(a), unnest(b)).
			if args := c.list(fn.t, fn.v, "args"); name == "unnest" && len(args) > 1 && fn.t.name == "FuncCall" {
				for _, a := range args {
					f.Funcs = append(f.Funcs, name)
					f.Args = append(f.Args, c.expr1(a.t, a.v))
					f.FuncCols = append(f.FuncCols, nil)
				}
				continue
			}
			f.Funcs = append(f.Funcs, name)
			f.Args = append(f.Args, c.expr1(fn.t, fn.v))
			f.FuncCols = append(f.FuncCols, defs)
		}
		var defs []string
		for _, cd := range c.each(t, v, "coldeflist") {
			if cd.t != nil && cd.t.name == "ColumnDef" {
				defs = append(defs, c.str(cd.t, cd.v, "colname"))
			}
		}
		if len(defs) > 0 && len(f.FuncCols) == 1 {
			f.FuncCols[0] = defs
		}
		f.Ordinality = c.bool(t, v, "ordinality")
		return f
	case "RangeTableFunc", "JsonTable":
		// XMLTABLE / JSON_TABLE: a function of its document argument.
		f := &relq.From{Kind: relq.FromFunction, Lateral: c.bool(t, v, "lateral")}
		f.Alias, f.ColAliases = c.alias(t, v, "alias")
		f.Funcs = []string{strings.ToLower(t.name)}
		var cols []string
		for _, col := range c.each(t, v, "columns") {
			if col.t == nil {
				continue
			}
			switch col.t.name {
			case "RangeTableFuncCol":
				cols = append(cols, c.str(col.t, col.v, "colname"))
				if c.bool(col.t, col.v, "for_ordinality") {
					f.Counters = append(f.Counters, cols[len(cols)-1])
				}
			case "JsonTableColumn":
				cols = append(cols, c.str(col.t, col.v, "name"))
				if c.str(col.t, col.v, "coltype") == "JTC_FOR_ORDINALITY" {
					f.Counters = append(f.Counters, cols[len(cols)-1])
				}
			}
		}
		f.FuncCols = [][]string{cols}
		var e relq.Expr
		for _, m := range c.d.items(v) {
			fd := t.field(m.key)
			if fd == nil || fd.msg == nil || fd.msg.name == "Alias" {
				continue
			}
			if fd.list {
				for _, x := range c.d.items(m.val) {
					c.walkValue(fd.msg, x.val, relq.Transformation, &e)
				}
			} else {
				c.walkValue(fd.msg, m.val, relq.Transformation, &e)
			}
		}
		f.Args = []relq.Expr{e}
		return f
	case "JoinExpr":
		f := &relq.From{Kind: relq.FromJoin, Natural: c.bool(t, v, "is_natural")}
		f.Left = c.from(c.get(t, v, "larg"))
		f.Right = c.from(c.get(t, v, "rarg"))
		switch c.str(t, v, "jointype") {
		case "JOIN_LEFT":
			f.JoinType = "left"
		case "JOIN_RIGHT":
			f.JoinType = "right"
		case "JOIN_FULL":
			f.JoinType = "full"
		default:
			f.JoinType = "inner"
		}
		f.Using = c.strings(t, v, "using_clause")
		f.UsingAlias, _ = c.alias(t, v, "join_using_alias")
		f.Alias, f.ColAliases = c.alias(t, v, "alias")
		f.On = c.filter(t, v, "quals", relq.Join)
		if f.JoinType == "inner" && f.On.Empty() && len(f.Using) == 0 && !f.Natural && c.d.member(v, t.byProto["quals"]) < 0 {
			f.JoinType = "cross"
		}
		if f.Left == nil || f.Right == nil {
			return nil
		}
		return f
	}
	return nil
}
