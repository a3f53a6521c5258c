package sqlparse

import (
	"github.com/iopsdata/iopsdata/internal/relq"
)

// stmt converts one statement node.
func (c *shaper) stmt(t *msgType, v int32) relq.Stmt {
	kind, _ := kindOf(t, &c.d, v)
	st := relq.Stmt{Kind: kind}
	switch t.name {
	case "SelectStmt":
		st.Query = c.query(t, v)
		if len(st.Query.Into) > 0 {
			st.Kind, st.Target = "select into", st.Query.Into
			if it, iv := c.get(t, v, "into_clause"); it != nil {
				st.Columns = c.strings(it, iv, "col_names")
			}
		}
	case "InsertStmt":
		st.With = c.with(t, v)
		st.Target, st.TargetAlias, _ = c.rangeVar(c.get(t, v, "relation"))
		for _, e := range c.each(t, v, "cols") {
			st.Columns = append(st.Columns, c.str(e.t, e.v, "name"))
		}
		if qt, qv := c.get(t, v, "select_stmt"); qt != nil && qt.name == "SelectStmt" {
			st.Query = c.query(qt, qv)
		}
		if ot, ov := c.get(t, v, "on_conflict_clause"); ot != nil {
			st.Conflict = c.sets(ot, ov, "target_list")
			if w := c.expr1(c.get(ot, ov, "where_clause")); !w.Empty() {
				setRole(&w, relq.Filter)
				st.Filters = append(st.Filters, w)
			}
		}
		st.Returning = c.targets(t, v, "returning_list")
	case "UpdateStmt":
		st.With = c.with(t, v)
		st.Target, st.TargetAlias, _ = c.rangeVar(c.get(t, v, "relation"))
		st.Sets = c.sets(t, v, "target_list")
		st.From = c.fromList(t, v, "from_clause")
		st.Where = c.filter(t, v, "where_clause", relq.Filter)
		st.Returning = c.targets(t, v, "returning_list")
	case "DeleteStmt":
		st.With = c.with(t, v)
		st.Target, st.TargetAlias, _ = c.rangeVar(c.get(t, v, "relation"))
		st.From = c.fromList(t, v, "using_clause")
		st.Where = c.filter(t, v, "where_clause", relq.Filter)
		st.Returning = c.targets(t, v, "returning_list")
	case "MergeStmt":
		st.With = c.with(t, v)
		st.Target, st.TargetAlias, _ = c.rangeVar(c.get(t, v, "relation"))
		if f := c.from(c.get(t, v, "source_relation")); f != nil {
			st.From = []*relq.From{f}
		}
		st.Where = c.filter(t, v, "join_condition", relq.Join)
		for _, w := range c.each(t, v, "merge_when_clauses") {
			st.Merge = append(st.Merge, c.mergeWhen(w.t, w.v))
		}
		st.Returning = c.targets(t, v, "returning_list")
	case "CreateTableAsStmt":
		if it, iv := c.get(t, v, "into"); it != nil {
			st.Target, _, _ = c.rangeVar(c.get(it, iv, "rel"))
			st.Columns = c.strings(it, iv, "col_names")
		}
		if c.str(t, v, "objtype") == "OBJECT_MATVIEW" {
			st.Kind = "create materialized view"
		}
		if qt, qv := c.get(t, v, "query"); qt != nil && qt.name == "SelectStmt" {
			st.Query = c.query(qt, qv)
		}
	case "ViewStmt":
		st.Target, _, _ = c.rangeVar(c.get(t, v, "view"))
		st.Columns = c.strings(t, v, "aliases")
		if qt, qv := c.get(t, v, "query"); qt != nil && qt.name == "SelectStmt" {
			st.Query = c.query(qt, qv)
			// CREATE RECURSIVE VIEW v is rewritten by the grammar into
			// WITH RECURSIVE v AS (...) SELECT ... FROM v, with no location.
			if w := st.Query.With; w != nil && len(w.CTEs) == 1 && w.CTEs[0].Name == st.Target.Last() {
				if fs := c.list(qt, qv, "from_clause"); len(fs) == 1 && fs[0].t != nil && fs[0].t.name == "RangeVar" && c.int(fs[0].t, fs[0].v, "location") < 0 {
					w.CTEs[0].Synthetic = true
				}
			}
		}
	case "CreateStmt", "CreateForeignTableStmt":
		if t.name == "CreateForeignTableStmt" {
			bt, bv := c.get(t, v, "base_stmt")
			if bt == nil {
				break
			}
			t, v = bt, bv
		}
		st.Target, _, _ = c.rangeVar(c.get(t, v, "relation"))
		for _, e := range c.each(t, v, "inh_relations") {
			if n, _, _ := c.rangeVar(e.t, e.v); n != nil {
				st.Inherits = append(st.Inherits, n)
			}
		}
		st.Partition = c.d.member(v, t.byProto["partbound"]) >= 0
		for _, e := range c.each(t, v, "table_elts") {
			switch e.t.name {
			case "ColumnDef":
				st.Columns = append(st.Columns, c.str(e.t, e.v, "colname"))
			case "TableLikeClause":
				if n, _, _ := c.rangeVar(c.get(e.t, e.v, "relation")); n != nil {
					st.Reads = append(st.Reads, n)
					st.LikeAt = append(st.LikeAt, len(st.Columns))
				}
			}
		}
	case "CopyStmt":
		rel, _, _ := c.rangeVar(c.get(t, v, "relation"))
		switch qt, qv := c.get(t, v, "query"); {
		case qt != nil && qt.name == "SelectStmt":
			st.Kind, st.Query = "copy to", c.query(qt, qv)
		case qt != nil: // COPY (INSERT ... RETURNING) TO
			inner := c.stmt(qt, qv)
			st.Kind, st.Inner = "copy to", &inner
		case c.bool(t, v, "is_from"):
			st.Kind, st.Target = "copy from", rel
			st.Columns = c.strings(t, v, "attlist")
		case rel != nil:
			st.Kind, st.Reads = "copy to", []relq.Name{rel}
		}
	case "TruncateStmt":
		st.Kind = "truncate"
		for _, e := range c.each(t, v, "relations") {
			if n, _, _ := c.rangeVar(e.t, e.v); n != nil {
				st.Writes = append(st.Writes, n)
			}
		}
	case "DropStmt":
		switch c.str(t, v, "remove_type") {
		case "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE":
			st.Kind = "drop"
			for _, e := range c.each(t, v, "objects") {
				if e.t != nil && e.t.name == "List" {
					if n := c.strings(e.t, e.v, "items"); len(n) > 0 {
						st.Writes = append(st.Writes, n)
					}
				}
			}
		}
	case "AlterTableStmt":
		switch c.str(t, v, "objtype") {
		case "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE":
			st.Kind = "alter table"
			st.Target, _, _ = c.rangeVar(c.get(t, v, "relation"))
			for _, cmd := range c.each(t, v, "cmds") {
				if cmd.t == nil || cmd.t.name != "AlterTableCmd" {
					continue
				}
				switch c.str(cmd.t, cmd.v, "subtype") {
				case "AT_AddColumn":
					if dt, dv := c.get(cmd.t, cmd.v, "def"); dt != nil && dt.name == "ColumnDef" {
						st.Alter = append(st.Alter, relq.AlterColumn{Op: "add", Column: c.str(dt, dv, "colname")})
					}
				case "AT_DropColumn":
					st.Alter = append(st.Alter, relq.AlterColumn{Op: "drop", Column: c.str(cmd.t, cmd.v, "name")})
				}
			}
		}
	case "RenameStmt":
		rel, _, _ := c.rangeVar(c.get(t, v, "relation"))
		if rel == nil {
			break
		}
		switch c.str(t, v, "rename_type") {
		case "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE":
			st.Kind = "rename"
			nn := append(relq.Name{}, rel[:len(rel)-1]...)
			st.Reads = []relq.Name{rel}
			st.Writes = []relq.Name{append(nn, c.str(t, v, "newname"))}
		case "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT":
			st.Kind, st.Target = "alter table", rel
			if c.str(t, v, "rename_type") == "OBJECT_COLUMN" {
				st.Alter = []relq.AlterColumn{{Op: "rename", Column: c.str(t, v, "subname"), NewName: c.str(t, v, "newname")}}
			}
		}
	case "AlterObjectSchemaStmt":
		// ALTER TABLE t SET SCHEMA s moves t, as a rename does.
		switch c.str(t, v, "object_type") {
		case "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE":
			if rel, _, _ := c.rangeVar(c.get(t, v, "relation")); rel != nil {
				st.Kind = "rename"
				st.Reads = []relq.Name{rel}
				st.Writes = []relq.Name{{c.str(t, v, "newschema"), rel.Last()}}
			}
		}
	case "RefreshMatViewStmt":
		st.Kind = "refresh materialized view"
		st.Target, _, _ = c.rangeVar(c.get(t, v, "relation"))
	case "ExplainStmt", "PrepareStmt", "DeclareCursorStmt":
		if qt, qv := c.get(t, v, "query"); qt != nil {
			inner := c.stmt(qt, qv)
			st.Inner = &inner
		}
	}
	return st
}

func (c *shaper) mergeWhen(t *msgType, v int32) relq.MergeWhen {
	var w relq.MergeWhen
	switch c.str(t, v, "match_kind") {
	case "MERGE_WHEN_MATCHED":
		w.Match = "matched"
	case "MERGE_WHEN_NOT_MATCHED_BY_SOURCE":
		w.Match = "not matched by source"
	default:
		w.Match = "not matched"
	}
	w.Cond = c.filter(t, v, "condition", relq.Filter)
	switch c.str(t, v, "command_type") {
	case "CMD_UPDATE":
		w.Action = "update"
		w.Sets = c.sets(t, v, "target_list")
	case "CMD_INSERT":
		w.Action = "insert"
		for _, e := range c.each(t, v, "target_list") {
			w.Columns = append(w.Columns, c.str(e.t, e.v, "name"))
		}
		for _, e := range c.each(t, v, "values") {
			w.Values = append(w.Values, c.target(e.t, e.v))
		}
	case "CMD_DELETE":
		w.Action = "delete"
	default:
		w.Action = "nothing"
	}
	return w
}

// sets converts SET assignments (ResTargets with a name), expanding
// (a, b) = (SELECT ...) and (a, b) = (x, y) into one assignment each.
func (c *shaper) sets(t *msgType, v int32, field string) []relq.Set {
	var out []relq.Set
	for _, e := range c.each(t, v, field) {
		if e.t == nil {
			continue
		}
		name := c.str(e.t, e.v, "name")
		vt, vv := c.get(e.t, e.v, "val")
		if vt != nil && vt.name == "MultiAssignRef" {
			col := c.int(vt, vv, "colno") - 1
			st, sv := c.get(vt, vv, "source")
			var x relq.Expr
			switch {
			case st == nil:
			case st.name == "SubLink":
				if qt, qv := c.get(st, sv, "subselect"); qt != nil && qt.name == "SelectStmt" {
					x.Subs = append(x.Subs, relq.Sub{Query: c.query(qt, qv), Kind: relq.SubScalar, Col: col, Role: relq.Identity})
				}
			case st.name == "RowExpr":
				if args := c.list(st, sv, "args"); col >= 0 && col < len(args) {
					x = c.target(args[col].t, args[col].v)
				}
			default:
				x = c.target(st, sv)
			}
			out = append(out, relq.Set{Column: name, Expr: x})
			continue
		}
		x := c.target(vt, vv)
		// SET col[1] = v or SET col.field = v keeps the rest of the old value.
		if len(c.list(e.t, e.v, "indirection")) > 0 {
			x.Refs = append(x.Refs, relq.Ref{Name: relq.Name{name}, Role: relq.Transformation, Own: true})
			for i := range x.Refs {
				if x.Refs[i].Role == relq.Identity {
					x.Refs[i].Role = relq.Transformation
				}
			}
		}
		out = append(out, relq.Set{Column: name, Expr: x})
	}
	return out
}

func (c *shaper) with(t *msgType, v int32) *relq.With {
	wt, wv := c.get(t, v, "with_clause")
	if wt == nil {
		return nil
	}
	w := &relq.With{Recursive: c.bool(wt, wv, "recursive")}
	for _, e := range c.each(wt, wv, "ctes") {
		if e.t == nil || e.t.name != "CommonTableExpr" {
			continue
		}
		cte := relq.CTE{Name: c.str(e.t, e.v, "ctename"), Columns: c.strings(e.t, e.v, "aliascolnames")}
		// SEARCH ... SET col and CYCLE ... SET mark USING path add columns.
		if st, sv := c.get(e.t, e.v, "search_clause"); st != nil {
			cte.Extra = append(cte.Extra, relq.ExtraColumn{Name: c.str(st, sv, "search_seq_column"), From: c.strings(st, sv, "search_col_list")})
		}
		if ct, cv := c.get(e.t, e.v, "cycle_clause"); ct != nil {
			from := c.strings(ct, cv, "cycle_col_list")
			cte.Extra = append(cte.Extra, relq.ExtraColumn{Name: c.str(ct, cv, "cycle_mark_column"), From: from},
				relq.ExtraColumn{Name: c.str(ct, cv, "cycle_path_column"), From: from})
		}
		qt, qv := c.get(e.t, e.v, "ctequery")
		switch {
		case qt == nil:
			continue
		case qt.name == "SelectStmt":
			cte.Query = c.query(qt, qv)
		default:
			s := c.stmt(qt, qv)
			cte.Stmt = &s
		}
		w.CTEs = append(w.CTEs, cte)
	}
	return w
}
