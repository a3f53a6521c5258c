package sqlparse

import (
	"iter"
	"strings"
	"sync"

	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

// Shape parses PostgreSQL SQL into the relational shape of each statement,
// for lineage. Unlike Parse it does not check every node against the
// schema: it reads the nodes lineage needs and walks the others
// generically, so no expression can hide a column reference or a
// subquery. Errors are as for Parse.
func Shape(sql string) ([]relq.Stmt, error) {
	if err := checkText(sql); err != nil {
		return nil, err
	}
	tree, err := parser.ParseToJSON(sql)
	if err != nil {
		return nil, syntaxError(err)
	}
	c := shapers.Get().(*shaper)
	defer func() {
		c.d.src = ""
		if cap(c.d.vals) > 1<<16 || cap(c.d.mems) > 1<<16 {
			*c = shaper{}
		}
		shapers.Put(c)
	}()
	c.s, c.sql = schema(), sql
	root, err := c.d.decode(tree, &c.s.keys)
	if err != nil {
		return nil, err
	}
	rawStmt := c.s.types["RawStmt"]
	var out []relq.Stmt
	for _, raw := range c.d.items(c.s.root.get(&c.d, root, "stmts")) {
		node := rawStmt.get(&c.d, raw.val, "stmt")
		t, v := c.unwrap(node)
		if t == nil {
			continue
		}
		st := c.stmt(t, v)
		st.Text = c.stmtText(rawStmt, raw.val)
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	return out, nil
}

var shapers = sync.Pool{New: func() any { return &shaper{} }}

// shaper converts one decoded tree.
type shaper struct {
	d   jdoc
	s   *treeSchema
	sql string
}

// stmtText cuts a statement's text out of the SQL by its byte location.
func (c *shaper) stmtText(rawStmt *msgType, v int32) string {
	loc := c.int(rawStmt, v, "stmt_location")
	n := c.int(rawStmt, v, "stmt_len")
	if loc < 0 || loc > len(c.sql) {
		return ""
	}
	end := len(c.sql)
	if n > 0 && loc+n <= len(c.sql) {
		end = loc + n
	}
	return strings.TrimSpace(c.sql[loc:end])
}

// unwrap returns the type and value inside a Node wrapper, or nil.
func (c *shaper) unwrap(node int32) (*msgType, int32) {
	ms := c.d.items(node)
	if node < 0 || c.d.vals[node].kind != jObj || len(ms) != 1 {
		return nil, -1
	}
	f := c.s.node.field(ms[0].key)
	if f == nil || f.msg == nil {
		return nil, -1
	}
	return f.msg, ms[0].val
}

// get returns field name of message v of type t, unwrapped when the field
// holds a Node: the field's type and value, or nil.
func (c *shaper) get(t *msgType, v int32, name string) (*msgType, int32) {
	id := t.byProto[name]
	m := c.d.member(v, id)
	if m < 0 {
		return nil, -1
	}
	f := t.field(id)
	if f == nil || f.msg == nil || f.list {
		return nil, -1
	}
	if f.msg.node {
		return c.unwrap(m)
	}
	return f.msg, m
}

// list returns the elements of list field name, each unwrapped.
func (c *shaper) list(t *msgType, v int32, name string) []tv {
	var out []tv
	for _, e := range c.each(t, v, name) {
		out = append(out, e)
	}
	return out
}

// each iterates over the elements of list field name, each unwrapped,
// without allocating.
func (c *shaper) each(t *msgType, v int32, name string) iter.Seq2[int, tv] {
	return func(yield func(int, tv) bool) {
		id := t.byProto[name]
		m := c.d.member(v, id)
		if m < 0 {
			return
		}
		f := t.field(id)
		if f == nil || f.msg == nil || !f.list {
			return
		}
		for i, e := range c.d.items(m) {
			x := tv{f.msg, e.val}
			if f.msg.node {
				x.t, x.v = c.unwrap(e.val)
			}
			if !yield(i, x) {
				return
			}
		}
	}
}

type tv struct {
	t *msgType
	v int32
}

func (c *shaper) str(t *msgType, v int32, name string) string {
	return c.d.text(c.d.member(v, t.byProto[name]))
}

func (c *shaper) bool(t *msgType, v int32, name string) bool {
	m := c.d.member(v, t.byProto[name])
	return m >= 0 && c.d.vals[m].kind == jBool && c.d.src[c.d.vals[m].lo] == 't'
}

func (c *shaper) int(t *msgType, v int32, name string) int {
	m := c.d.member(v, t.byProto[name])
	if m < 0 || c.d.vals[m].kind != jNum {
		return 0
	}
	n, neg := 0, false
	for _, ch := range c.d.src[c.d.vals[m].lo : c.d.vals[m].lo+c.d.vals[m].n] {
		switch {
		case ch == '-':
			neg = true
		case ch >= '0' && ch <= '9':
			n = n*10 + int(ch-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// strings returns the svals of a list of String nodes.
func (c *shaper) strings(t *msgType, v int32, name string) []string {
	var out []string
	for _, e := range c.each(t, v, name) {
		if e.t != nil && e.t.name == "String" {
			out = append(out, c.str(e.t, e.v, "sval"))
		}
	}
	return out
}

// rangeVar reads a RangeVar's name and alias.
func (c *shaper) rangeVar(t *msgType, v int32) (name relq.Name, alias string, cols []string) {
	if t == nil {
		return nil, "", nil
	}
	for _, f := range [...]string{"catalogname", "schemaname", "relname"} {
		if s := c.str(t, v, f); s != "" {
			name = append(name, s)
		}
	}
	// Temporary tables are named as written, without pg_temp.
	if len(name) == 2 && strings.HasPrefix(name[0], "pg_temp") {
		name = name[1:]
	}
	alias, cols = c.alias(t, v, "alias")
	return name, alias, cols
}

func (c *shaper) alias(t *msgType, v int32, field string) (string, []string) {
	at, av := c.get(t, v, field)
	if at == nil {
		return "", nil
	}
	return c.str(at, av, "aliasname"), c.strings(at, av, "colnames")
}

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
