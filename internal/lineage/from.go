package lineage

import (
	"slices"
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// fromScope builds the scope of a FROM list inside outer.
func (a *analyzer) fromScope(items []*relq.From, outer *scope) *scope {
	sc := &scope{outer: outer}
	for _, f := range items {
		it := a.fromItem(f, sc, outer)
		sc.star = append(sc.star, it.star...)
		sc.open = append(sc.open, it.open...)
	}
	return sc
}

// item is what one FROM item contributes: its relations, its columns in
// the order * expands them, the relations * cannot expand, and for a
// USING or NATURAL join its merged columns.
type item struct {
	rtes   []*rte
	star   []column
	open   []*rte
	merged []column
}

func single(r *rte) item {
	it := item{rtes: []*rte{r}, star: r.cols}
	if !r.known {
		it.open = []*rte{r}
	}
	return it
}

// fromItem adds the relations of one FROM item to sc. outer is the scope
// a non-lateral subquery sees.
func (a *analyzer) fromItem(f *relq.From, sc *scope, outer *scope) item {
	if f == nil {
		return item{}
	}
	var it item
	switch f.Kind {
	case relq.FromTable:
		it = single(a.tableRTE(f.Table, f.Alias, f.ColAliases, true))
		for _, e := range f.Args { // TABLESAMPLE arguments
			a.filter(e, sc, rel{})
		}
	case relq.FromSubquery:
		in := outer
		if f.Lateral {
			in = sc
		}
		res := renameRel(a.query(f.Query, in), f.ColAliases)
		it = single(&rte{name: f.Alias, cols: res.cols, open: res.open, known: len(res.open) == 0})
	case relq.FromFunction:
		it = single(a.functionRTE(f, sc))
	case relq.FromJoin:
		left := a.fromItem(f.Left, sc, outer)
		right := a.fromItem(f.Right, sc, outer)
		return a.join(f, sc, left, right)
	}
	sc.rtes = append(sc.rtes, it.rtes...)
	return it
}

// tableRTE is a relation named in FROM or as a DML target: a CTE when a
// bare name matches one, otherwise a base table, read when asRead.
func (a *analyzer) tableRTE(name relq.Name, alias string, colAliases []string, asRead bool) *rte {
	refName := alias
	if refName == "" {
		refName = name.Last()
	}
	if len(name) == 1 && asRead {
		if d := a.findCTE(name[0]); d != nil {
			// An UPDATE or DELETE whose RETURNING rows another statement
			// reads also reads its target.
			if st := d.cte.Stmt; st != nil && len(st.Returning) > 0 && (st.Kind == "update" || st.Kind == "delete") {
				a.cur.addRead(st.Target.String())
			}
			res := renameRel(a.evalCTE(d), colAliases)
			return &rte{name: refName, cols: res.cols, open: res.open, known: len(res.open) == 0}
		}
	}
	written := name.String()
	if asRead {
		a.cur.addRead(written)
	}
	r := &rte{name: refName, table: name, qual: alias == ""}
	if cols, ok := a.columnsOf(name); ok {
		r.known = true
		r.cols = make([]column, len(cols))
		for i, c := range cols {
			r.cols[i] = column{name: c, srcs: srcs{{Column{written, c}, TIdentity}}}
		}
		for i := range colAliases {
			if i < len(r.cols) {
				r.cols[i].name = colAliases[i]
			}
		}
	} else if len(colAliases) > 0 {
		a.warnf("the columns of %s are unknown, so its column aliases cannot be mapped; %s", written, a.fix())
	}
	return r
}

// outNames are the output columns of set-returning functions that declare
// them (OUT parameters); other functions return one column named after
// the alias or the function.
var outNames = map[string][]string{
	"jsonb_array_elements": {"value"}, "json_array_elements": {"value"},
	"jsonb_array_elements_text": {"value"}, "json_array_elements_text": {"value"},
	"jsonb_each": {"key", "value"}, "json_each": {"key", "value"},
	"jsonb_each_text": {"key", "value"}, "json_each_text": {"key", "value"},
	"pg_options_to_table": {"option_name", "option_value"},
}

func (a *analyzer) functionRTE(f *relq.From, sc *scope) *rte {
	var args srcs
	per := make([]srcs, len(f.Args)) // each function's own arguments
	for i, e := range f.Args {
		per[i] = apply(relq.Transformation, a.exprW(e, sc, nil))
		args = args.union(per[i])
	}
	name := f.Alias
	if name == "" && len(f.Funcs) > 0 {
		name = f.Funcs[0]
	}
	r := &rte{name: name, function: true, fnArgs: args, known: true}
	for i, fn := range f.Funcs {
		var s srcs
		if i < len(per) {
			s = per[i]
		}
		var names []string
		switch {
		case i < len(f.FuncCols) && len(f.FuncCols[i]) > 0:
			names = f.FuncCols[i]
		case outNames[fn] != nil:
			names = outNames[fn]
		default:
			// One column, named after the function; a lone function's
			// column takes the alias.
			n := fn
			if len(f.Funcs) == 1 && f.Alias != "" {
				n = f.Alias
			}
			names = []string{n}
			if !isScalarSRF(fn) && len(f.ColAliases) == 0 {
				r.known = false
			}
		}
		for _, n := range names {
			r.cols = append(r.cols, column{name: n, srcs: s})
		}
	}
	if f.Ordinality {
		r.cols = append(r.cols, column{name: "ordinality"})
	}
	for i := range r.cols {
		if slices.Contains(f.Counters, r.cols[i].name) {
			r.cols[i].srcs = nil
		}
	}
	for i := range f.ColAliases {
		if i < len(r.cols) {
			r.cols[i].name = f.ColAliases[i]
		}
	}
	return r
}

// isScalarSRF reports functions known to return one unnamed column.
func isScalarSRF(name string) bool {
	switch strings.ToLower(name) {
	case "generate_series", "unnest", "generate_subscripts", "regexp_split_to_table", "string_to_table",
		"jsonb_object_keys", "json_object_keys", "range", "regexp_matches", "jsonb_path_query":
		return true
	}
	return false
}

// join resolves ON, merges the columns of USING or NATURAL, and returns
// the join as one item: merged columns first, then the left's and the
// right's other columns, as * expands a join.
func (a *analyzer) join(f *relq.From, sc *scope, left, right item) item {
	a.filter(f.On, sc, rel{})
	using := f.Using
	if f.Natural {
		using = nil
		for _, c := range left.star {
			for _, r := range right.star {
				if r.name == c.name && !slices.Contains(using, c.name) {
					using = append(using, c.name)
				}
			}
		}
		if len(using) == 0 && (len(left.open) > 0 || len(right.open) > 0) {
			a.warnf("NATURAL JOIN over a table whose columns are unknown: %s", a.fix())
		}
	}
	out := item{rtes: append(slices.Clone(left.rtes), right.rtes...), open: append(slices.Clone(left.open), right.open...)}
	for _, name := range using {
		ls := sideLookup(left, name, a)
		rs := sideLookup(right, name, a)
		var s srcs
		switch f.JoinType {
		case "right":
			s = rs
		case "full":
			s = slices.Clone(ls).union(rs)
		default:
			s = ls
		}
		out.merged = append(out.merged, column{name: name, srcs: s})
		a.use(ls, relq.Join)
		a.use(rs, relq.Join)
	}
	out.star = append(out.star, out.merged...)
	for _, side := range [...]item{left, right} {
		for _, c := range side.star {
			if !slices.Contains(using, c.name) {
				out.star = append(out.star, c)
			}
		}
	}
	// Merged columns are found by an unqualified name before the joined
	// relations' own; an outer join's replace an inner join's.
	for _, m := range out.merged {
		replaced := false
		for i := range sc.merged {
			if sc.merged[i].name == m.name {
				sc.merged[i], replaced = m, true
			}
		}
		if !replaced {
			sc.merged = append(sc.merged, m)
		}
	}
	if f.UsingAlias != "" {
		r := &rte{name: f.UsingAlias, cols: out.merged, known: true}
		sc.rtes = append(sc.rtes, r)
		out.rtes = append(out.rtes, r)
	}
	if f.Alias != "" {
		// The join's alias hides the names inside it.
		for _, r := range out.rtes {
			r.name = "\x00" + r.name
		}
		j := &rte{name: f.Alias, cols: slices.Clone(out.star), known: len(out.open) == 0, open: out.open}
		for i := range f.ColAliases {
			if i < len(j.cols) {
				j.cols[i].name = f.ColAliases[i]
			}
		}
		sc.rtes = append(sc.rtes, j)
		out.rtes = append(out.rtes, j)
		out.star = j.cols
	}
	return out
}

// sideLookup finds the column a USING name means on one side of a join:
// that side's merged column, its own column, or a relation with unknown
// columns.
func sideLookup(side item, name string, a *analyzer) srcs {
	for _, m := range side.merged {
		if m.name == name {
			return m.srcs
		}
	}
	for _, c := range side.star {
		if c.name == name {
			return c.srcs
		}
	}
	var open []*rte
	for _, r := range side.open {
		if !r.function {
			open = append(open, r)
		}
	}
	if len(open) == 1 {
		s, _ := open[0].find(name, a)
		return s
	}
	if len(open) > 1 {
		a.warnf("USING column %q: several joined tables have unknown columns; %s", name, a.fix())
	}
	return nil
}

// columnsOf returns the ordered columns of a table as written: from a
// CREATE earlier in the script, the schema option (keyed exactly as the
// table is written: public.t and t are different keys), or the catalog.
func (a *analyzer) columnsOf(name relq.Name) ([]string, bool) {
	key := name.String()
	if cols, ok := a.created[key]; ok {
		return cols, true
	}
	if cols, ok := a.opts.Schema[key]; ok {
		return cols, true
	}
	if a.opts.Catalog != nil {
		return a.opts.Catalog.Columns(name)
	}
	return nil, false
}
