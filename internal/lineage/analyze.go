package lineage

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// analyzer resolves statements into lineage. One analyzer serves one SQL
// text: tables a script creates feed the statements after them.
type analyzer struct {
	opts    Options
	created map[string][]string // tables created earlier in the script, by name as written
	frames  *cteFrame
	cur     *acc
	warned  map[string]bool
	warns   []string
	// subName is the first column name of the first scalar subquery of
	// the output expression being resolved (see relq.SubqueryName).
	subName string
	// row is the columns of the whole-row value an output expression is
	// (SELECT b FROM books b), so (x.b).title can pick one of them.
	row []column
	// prior are the output columns before the one being resolved.
	prior []column
}

// acc gathers one statement's facts.
type acc struct {
	reads, writes, ctes []string
	cols                map[string]srcs
	keys                []string // columns keys in first-seen order
	uses                []Use
}

func (c *acc) addRead(n string)  { c.reads = addOnce(c.reads, n) }
func (c *acc) addWrite(n string) { c.writes = addOnce(c.writes, n) }

func addOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func (a *analyzer) warnf(format string, args ...any) {
	m := fmt.Sprintf(format, args...)
	if a.warned[m] {
		return
	}
	if a.warned == nil {
		a.warned = map[string]bool{}
	}
	a.warned[m] = true
	a.warns = append(a.warns, m)
}

// fix says how to make unknown columns known.
func (a *analyzer) fix() string {
	if a.opts.Catalog != nil {
		return "the table is not in the connection's catalog: pass \"schema\" with its columns"
	}
	return "pass \"schema\" with the table's columns, or a connection"
}

// edge records that target table.col is fed by s.
func (a *analyzer) edge(table, col string, s srcs) {
	key := table + "." + col
	if a.cur.cols == nil {
		a.cur.cols = map[string]srcs{}
	}
	old, ok := a.cur.cols[key]
	if !ok {
		a.cur.keys = append(a.cur.keys, key)
	}
	a.cur.cols[key] = append(old, nil...).union(s)
}

func (a *analyzer) use(s srcs, role relq.Role) {
	for _, x := range s {
		u := Use{Column: x.col, Role: role}
		if !slices.Contains(a.cur.uses, u) {
			a.cur.uses = append(a.cur.uses, u)
		}
	}
}

// cteFrame is one WITH clause in scope.
type cteFrame struct {
	defs      []*cteDef
	recursive bool
	visible   int // defs[:visible] are visible by name (all, once evaluated)
	parent    *cteFrame
}

type cteDef struct {
	cte     relq.CTE
	frame   *cteFrame
	index   int
	state   uint8 // 0 new, 1 running, 2 done
	res     rel
	partial rel
}

// pushWith makes w's CTEs visible and evaluates each once, in order (an
// unreferenced CTE is read too). It returns the function that pops it.
func (a *analyzer) pushWith(w *relq.With) func() {
	if w == nil || len(w.CTEs) == 0 {
		return func() {}
	}
	f := &cteFrame{recursive: w.Recursive, parent: a.frames}
	for i, c := range w.CTEs {
		f.defs = append(f.defs, &cteDef{cte: c, frame: f, index: i})
		if !c.Synthetic {
			a.cur.ctes = addOnce(a.cur.ctes, c.Name)
		}
	}
	if w.Recursive {
		f.visible = len(f.defs)
	}
	saved := a.frames
	a.frames = f
	for _, d := range f.defs {
		a.evalCTE(d)
	}
	f.visible = len(f.defs)
	return func() { a.frames = saved }
}

// findCTE returns the visible CTE named name, innermost first.
func (a *analyzer) findCTE(name string) *cteDef {
	for f := a.frames; f != nil; f = f.parent {
		for i := len(f.defs) - 1; i >= 0; i-- {
			if i < f.visible && f.defs[i].cte.Name == name {
				return f.defs[i]
			}
		}
	}
	return nil
}

func (a *analyzer) evalCTE(d *cteDef) rel {
	switch d.state {
	case 2:
		return d.res
	case 1:
		return d.partial
	}
	d.state = 1
	savedFrames, savedVisible := a.frames, d.frame.visible
	a.frames = d.frame
	if !d.frame.recursive {
		d.frame.visible = d.index
	}
	defer func() { a.frames, d.frame.visible = savedFrames, max(savedVisible, d.frame.visible) }()
	var res rel
	switch q := d.cte.Query; {
	case d.cte.Stmt != nil:
		res = a.dml(d.cte.Stmt)
	case d.frame.recursive && q != nil && q.Op == relq.Union && q.With == nil && q.Left != nil && q.Right != nil:
		left := a.query(q.Left, nil)
		d.partial = renameRel(left, d.cte.Columns)
		res = d.partial
		for range 8 {
			right := a.query(q.Right, nil)
			next := renameRel(setOp(relq.Union, left, right), d.cte.Columns)
			if relEqual(next, d.partial) {
				break
			}
			d.partial, res = next, next
		}
		a.queryFilters(q, res, nil)
	case q != nil:
		res = a.query(q, nil)
	}
	res = renameRel(res, d.cte.Columns)
	for _, x := range d.cte.Extra { // SEARCH / CYCLE columns
		var s srcs
		for _, c := range res.cols {
			if slices.Contains(x.From, c.name) {
				s = s.union(apply(relq.Transformation, c.srcs))
			}
		}
		res.cols = append(slices.Clone(res.cols), column{name: x.Name, srcs: s})
	}
	d.res, d.state = res, 2
	return d.res
}

// renameRel renames the first columns of r.
func renameRel(r rel, names []string) rel {
	if len(names) == 0 {
		return r
	}
	cols := slices.Clone(r.cols)
	for i := range cols {
		if i < len(names) {
			cols[i].name = names[i]
		}
	}
	return rel{cols: cols, open: r.open}
}

func relEqual(x, y rel) bool {
	if len(x.cols) != len(y.cols) {
		return false
	}
	for i := range x.cols {
		if x.cols[i].name != y.cols[i].name || !x.cols[i].srcs.equal(y.cols[i].srcs) {
			return false
		}
	}
	return true
}

// setOp combines two branches by position: names from the left; EXCEPT
// takes only the left's sources (the right branch filters).
func setOp(op relq.SetOp, l, r rel) rel {
	out := rel{cols: make([]column, len(l.cols)), open: l.open}
	for i, c := range l.cols {
		var rc column
		if op != relq.Except && i < len(r.cols) {
			rc = r.cols[i]
		}
		out.cols[i] = unionCol(c, rc)
	}
	return out
}

// byName lines two branches up by column name (UNION BY NAME): the
// left's columns, then the right's other columns; a branch lacking a
// column gives it NULL, no source.
func byName(l, r rel) (rel, rel) {
	names := colNames(l.cols)
	for _, c := range r.cols {
		if !slices.Contains(names, c.name) {
			names = append(names, c.name)
		}
	}
	align := func(x rel) rel {
		out := rel{cols: make([]column, len(names)), open: x.open}
		for i, n := range names {
			out.cols[i] = column{name: n}
			for _, c := range x.cols {
				if c.name == n {
					out.cols[i] = c
					break
				}
			}
		}
		return out
	}
	return align(l), align(r)
}

// unionCol combines two columns of a set operation (or an empty r),
// whole-row values field by field.
func unionCol(l, r column) column {
	out := column{name: l.name, srcs: slices.Clone(l.srcs).union(r.srcs)}
	if l.row != nil {
		out.row = make([]column, len(l.row))
		for i := range l.row {
			var rr column
			if i < len(r.row) {
				rr = r.row[i]
			}
			out.row[i] = unionCol(l.row[i], rr)
		}
	}
	return out
}

// query evaluates a query in the scope outer (nil at the top).
func (a *analyzer) query(q *relq.Query, outer *scope) rel {
	if q == nil {
		return rel{}
	}
	pop := a.pushWith(q.With)
	defer pop()
	if q.Op != relq.NoSetOp {
		l := a.query(q.Left, outer)
		r := a.query(q.Right, outer)
		if q.ByName {
			l, r = byName(l, r)
		}
		out := setOp(q.Op, l, r)
		a.queryFilters(q, out, outer)
		return out
	}
	if q.Values != nil {
		var out rel
		for _, row := range q.Values {
			for i, e := range row {
				if i >= len(out.cols) {
					out.cols = append(out.cols, column{name: fmt.Sprintf("column%d", i+1)})
				}
				out.cols[i].srcs = out.cols[i].srcs.union(a.exprW(e, outer, nil))
			}
		}
		return out
	}
	sc := a.fromScope(q.From, outer)
	out := a.targets(q.Targets, sc, q.Windows)
	for _, f := range q.Filters {
		a.filter(f, sc, out)
	}
	return out
}

// targets resolves a select or RETURNING list into the relation it makes.
func (a *analyzer) targets(ts []relq.Target, sc *scope, wins []relq.NamedWindow) rel {
	var out rel
	for i := range ts {
		t := &ts[i]
		if t.Star || t.Pattern != "" {
			a.star(t, sc, wins, &out)
			continue
		}
		a.subName, a.row = "", nil
		saved := a.prior
		a.prior = out.cols
		col := column{name: t.Name, srcs: a.exprW(t.Expr, sc, wins)}
		a.prior = saved
		col.row, a.row = a.row, nil
		if col.name == relq.SubqueryName {
			col.name = cmp.Or(a.subName, "?column?")
		}
		out.cols = append(out.cols, col)
	}
	return out
}

// queryFilters resolves the ORDER BY / LIMIT of a set operation against
// its output columns.
func (a *analyzer) queryFilters(q *relq.Query, out rel, outer *scope) {
	if len(q.Filters) == 0 {
		return
	}
	sc := &scope{merged: out.cols, outer: outer}
	for _, f := range q.Filters {
		a.filter(f, sc, out)
	}
}

// filter resolves an expression that only filters, groups or sorts: its
// columns are uses, its subqueries are read. Names not in scope may be
// output aliases (ORDER BY revenue), so they are looked up there too.
func (a *analyzer) filter(e relq.Expr, sc *scope, out rel) {
	for _, r := range e.Refs {
		if r.Pos > 0 { // GROUP BY 2, ORDER BY 1
			if r.Pos <= len(out.cols) {
				a.use(out.cols[r.Pos-1].srcs, r.Role)
			}
			continue
		}
		s, ok := a.resolve(r, sc, false)
		if !ok && len(r.Name) == 1 {
			for _, c := range out.cols {
				if c.name == r.Name[0] {
					s = c.srcs
				}
			}
		}
		a.use(s, r.Role)
	}
	for _, sub := range e.Subs {
		res := a.query(sub.Query, sc)
		for _, c := range res.cols {
			a.use(c.srcs, sub.Role)
		}
	}
}

// star expands *, q.* and DuckDB's COLUMNS(pattern) into out.
func (a *analyzer) star(t *relq.Target, sc *scope, wins []relq.NamedWindow, out *rel) {
	var cols []column
	var open []*rte
	switch {
	case len(t.Qualifier) > 0:
		r := sc.lookupRel(t.Qualifier)
		if r == nil {
			var ok bool
			if cols, ok = a.rowOf(t.Qualifier, sc); !ok {
				a.warnf("%s.* names no relation in FROM and no row value", t.Qualifier)
				return
			}
			break
		}
		cols = r.cols
		if !r.known {
			open = []*rte{r}
		}
	case sc != nil:
		cols, open = sc.star, sc.open
	}
	var re *regexp.Regexp
	if t.Pattern != "" {
		var err error
		if re, err = regexp.Compile(t.Pattern); err != nil {
			a.warnf("COLUMNS pattern %q is not a valid regular expression", t.Pattern)
			return
		}
	}
	emit := func(c column) {
		if slices.Contains(t.Exclude, c.name) || (re != nil && !re.MatchString(c.name)) {
			return
		}
		for i := range t.Replace {
			if t.Replace[i].Name == c.name {
				c = column{name: c.name, srcs: a.exprW(t.Replace[i].Expr, sc, wins)}
			}
		}
		out.cols = append(out.cols, column{name: c.name, srcs: slices.Clone(c.srcs)})
	}
	for _, c := range cols {
		emit(c)
	}
	out.open = append(out.open, open...)
}

// exprW resolves an output expression: the sources that feed it.
func (a *analyzer) exprW(e relq.Expr, sc *scope, wins []relq.NamedWindow) srcs {
	var out srcs
	for _, r := range e.Refs {
		c, _ := a.resolveCol(r, sc, r.Role.Direct())
		a.use(c.srcs, r.Role)
		if r.Role.Direct() {
			out = out.union(apply(r.Role, c.srcs))
		}
		if r.Role == relq.Identity && len(e.Refs) == 1 && len(e.Subs) == 0 {
			a.row = c.row // a whole-row value keeps its columns
		}
	}
	for _, sub := range e.Subs {
		saved := a.subName
		res := a.query(sub.Query, sc)
		a.subName = saved
		if (sub.Kind == relq.SubScalar || sub.Kind == relq.SubArray) && sub.Role.Direct() {
			role := sub.Role
			if sub.Kind == relq.SubArray && role < relq.Conditional {
				role = relq.Aggregation // ARRAY(SELECT ...) collapses rows, like array_agg
			}
			if sub.Col < len(res.cols) {
				out = out.union(apply(role, res.cols[sub.Col].srcs))
				if a.subName == "" {
					a.subName = res.cols[sub.Col].name
				}
			}
			continue
		}
		// EXISTS / IN in an output: a condition on that output, not a
		// filter on the rows.
		role := relq.Filter
		if sub.Role.Direct() {
			role = relq.Conditional
		}
		for _, c := range res.cols {
			a.use(c.srcs, role)
		}
	}
	for _, name := range e.Windows {
		for _, k := range windowKeys(wins, name, 0) {
			s, _ := a.resolve(k, sc, true)
			a.use(s, relq.Window)
			out = out.union(apply(relq.Window, s))
		}
	}
	return out
}

// windowKeys returns the key references of a named window and its parents.
func windowKeys(wins []relq.NamedWindow, name string, depth int) []relq.Ref {
	if depth > len(wins) {
		return nil
	}
	for _, w := range wins {
		if w.Name == name {
			refs := w.Keys.Refs
			if w.Parent != "" {
				refs = append(slices.Clone(refs), windowKeys(wins, w.Parent, depth+1)...)
			}
			return refs
		}
	}
	return nil
}

// resolve finds the sources of a column reference.
func (a *analyzer) resolve(r relq.Ref, sc *scope, warn bool) (srcs, bool) {
	c, ok := a.resolveCol(r, sc, warn)
	return c.srcs, ok
}

// resolveCol finds what a column reference refers to: its sources and,
// for a whole-row value, the row's columns.
func (a *analyzer) resolveCol(r relq.Ref, sc *scope, warn bool) (column, bool) {
	if sc == nil {
		sc = &scope{}
	}
	n := r.Name
	if r.Own && len(sc.rtes) > 0 { // the DML target is first in its scope
		s, ok := sc.rtes[0].find(n.Last(), a)
		return column{srcs: s}, ok
	}
	if r.Star {
		cols, ok := a.rowOf(n, sc)
		var out srcs
		for _, c := range cols {
			out = out.union(c.srcs)
		}
		return column{srcs: out, row: cols}, ok
	}
	switch len(n) {
	case 0:
		return column{}, false
	case 1:
		if c, ok := sc.lookupCol(n[0], a); ok {
			return c, true
		}
		if x := sc.lookupRel(n); x != nil { // a whole-row reference
			return column{srcs: x.wholeRow(), row: x.cols}, true
		}
	default:
		// t.c, s.t.c, db.s.t.c; or a composite's field: c.f, t.c.f
		for k := len(n) - 1; k >= 1; k-- {
			if x := sc.lookupRel(n[:k]); x != nil {
				if c, ok := x.findCol(n[k], a); ok {
					return field(c, n[k+1:]), true
				}
				break
			}
		}
		if c, ok := sc.lookupCol(n[0], a); ok {
			return field(c, n[1:]), true
		}
	}
	// DuckDB lets a select list use an alias defined earlier in it.
	if len(n) == 1 {
		for i := len(a.prior) - 1; i >= 0; i-- {
			if a.prior[i].name == n[0] {
				return a.prior[i], true
			}
		}
	}
	if warn {
		a.warnf("column %s is not found in any relation in scope", n)
	}
	return column{}, false
}

// field selects path from a column: within a whole-row value, the row's
// column; otherwise (a composite base column) the column itself.
func field(c column, path []string) column {
	for _, p := range path {
		i := slices.IndexFunc(c.row, func(x column) bool { return x.name == p })
		if i < 0 {
			return column{srcs: c.srcs}
		}
		c = c.row[i]
	}
	return c
}

// rowOf returns the columns q.* or (q).* expands to: a relation's, or a
// whole-row column's; all of the scope's for an empty q.
func (a *analyzer) rowOf(q relq.Name, sc *scope) ([]column, bool) {
	if len(q) == 0 {
		return sc.star, true
	}
	if x := sc.lookupRel(q); x != nil {
		return x.cols, true
	}
	if c, ok := a.resolveCol(relq.Ref{Name: q}, sc, false); ok && c.row != nil {
		return c.row, true
	}
	return nil, false
}
