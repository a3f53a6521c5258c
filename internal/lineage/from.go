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
		a.fromItem(f, sc, outer)
	}
	return sc
}

// fromItem adds the relations of one FROM item to sc and returns them.
// outer is the scope a non-lateral subquery sees.
func (a *analyzer) fromItem(f *relq.From, sc *scope, outer *scope) []*rte {
	if f == nil {
		return nil
	}
	start := len(sc.rtes)
	switch f.Kind {
	case relq.FromTable:
		sc.rtes = append(sc.rtes, a.tableRTE(f.Table, f.Alias, f.ColAliases, true))
	case relq.FromSubquery:
		in := outer
		if f.Lateral {
			in = sc
		}
		res := a.query(f.Query, in)
		res = renameRel(res, f.ColAliases)
		sc.rtes = append(sc.rtes, &rte{name: f.Alias, cols: res.cols, open: res.open, known: len(res.open) == 0})
	case relq.FromFunction:
		sc.rtes = append(sc.rtes, a.functionRTE(f, sc))
	case relq.FromJoin:
		left := a.fromItem(f.Left, sc, outer)
		right := a.fromItem(f.Right, sc, outer)
		a.join(f, sc, left, right)
	}
	for _, e := range f.Args { // TABLESAMPLE arguments
		if f.Kind != relq.FromFunction {
			a.filter(e, sc, nil, rel{})
		}
	}
	return sc.rtes[start:]
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
		a.warnf("the columns of %s are unknown, so its column aliases cannot be mapped; pass \"schema\" or a connection", written)
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
	per := make([]srcs, len(f.Args)) // ROWS FROM: each function's own arguments
	for i, e := range f.Args {
		per[i] = apply(relq.Transformation, a.expr(e, sc, nil))
		args = args.union(per[i])
	}
	name := f.Alias
	if name == "" && len(f.Funcs) > 0 {
		name = f.Funcs[0]
	}
	r := &rte{name: name, function: true, fnArgs: args}
	var cols []string
	known := true
	switch {
	case len(f.FuncCols) > 0 && !(len(f.FuncCols) == 2 && f.FuncCols[1] == "ordinality" && len(f.Funcs) == 1):
		cols = f.FuncCols
	case len(f.Funcs) == 1 && outNames[f.Funcs[0]] != nil:
		cols = outNames[f.Funcs[0]]
	case len(f.Funcs) == 1:
		// A scalar result: one column, named by the alias or the function.
		cols = []string{name}
		if f.Alias == "" {
			cols = []string{f.Funcs[0]}
		}
		known = len(f.ColAliases) > 0 || isScalarSRF(f.Funcs[0])
	default:
		cols = slices.Clone(f.Funcs)
	}
	if slices.Contains(f.FuncCols, "ordinality") && !slices.Contains(cols, "ordinality") {
		cols = append(slices.Clone(cols), "ordinality")
	}
	rowsFrom := len(f.Funcs) > 1 && len(per) == len(f.Funcs) && len(cols) >= len(f.Funcs)
	for i, c := range cols {
		col := column{name: c, srcs: args}
		if rowsFrom && i < len(per) {
			col.srcs = per[i]
		}
		if c == "ordinality" && i == len(cols)-1 && slices.Contains(f.FuncCols, "ordinality") {
			col.srcs = nil
		}
		if i < len(f.ColAliases) {
			col.name = f.ColAliases[i]
		}
		r.cols = append(r.cols, col)
	}
	r.known = known
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

// join adds the merged columns of USING or NATURAL and resolves ON.
func (a *analyzer) join(f *relq.From, sc *scope, left, right []*rte) {
	a.filter(f.On, sc, nil, rel{})
	using := f.Using
	if f.Natural {
		using = nil
		for _, l := range left {
			for _, c := range l.cols {
				for _, r := range right {
					if r.hasKnown(c.name) && !slices.Contains(using, c.name) {
						using = append(using, c.name)
					}
				}
			}
		}
		if len(using) == 0 && (anyOpen(left) || anyOpen(right)) {
			a.warnf("NATURAL JOIN over a table whose columns are unknown: pass \"schema\" or a connection")
		}
	}
	var merged []column
	for _, name := range using {
		ls, lr := sideLookup(left, name, a)
		rs, rr := sideLookup(right, name, a)
		var s srcs
		switch f.JoinType {
		case "right":
			s = rs
		case "full":
			s = slices.Clone(ls).union(rs)
		default:
			s = ls
		}
		for _, r := range [...]*rte{lr, rr} {
			if r != nil && !slices.Contains(r.hide, name) {
				r.hide = append(r.hide, name)
			}
		}
		merged = append(merged, column{name: name, srcs: s})
	}
	// A join nested inside another join's USING: earlier merged columns of
	// the same name are replaced.
	for _, m := range merged {
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
		sc.rtes = append(sc.rtes, &rte{name: f.UsingAlias, cols: merged, known: true})
	}
	if f.Alias != "" {
		j := &rte{name: f.Alias, known: true}
		j.cols = append(j.cols, merged...)
		for _, r := range append(slices.Clone(left), right...) {
			for _, c := range r.cols {
				if !slices.Contains(using, c.name) {
					j.cols = append(j.cols, c)
				}
			}
			if !r.known {
				j.known = false
				j.open = append(j.open, r)
			}
		}
		for i := range f.ColAliases {
			if i < len(j.cols) {
				j.cols[i].name = f.ColAliases[i]
			}
		}
		// The join's alias hides the names inside it.
		for _, r := range append(slices.Clone(left), right...) {
			r.name = "\x00" + r.name
		}
		sc.rtes = append(sc.rtes, j)
	}
}

func anyOpen(rs []*rte) bool {
	for _, r := range rs {
		if !r.known {
			return true
		}
	}
	return false
}

// sideLookup finds an unqualified column among one side's relations.
func sideLookup(side []*rte, name string, a *analyzer) (srcs, *rte) {
	for _, r := range side {
		if r.hasKnown(name) && !r.hidden(name) {
			s, _ := r.find(name, a)
			return s, r
		}
	}
	for _, r := range side {
		if r.hasKnown(name) {
			s, _ := r.find(name, a)
			return s, r
		}
	}
	for _, r := range side {
		if !r.known && !r.function {
			s, _ := r.find(name, a)
			return s, r
		}
	}
	return nil, nil
}

// columnsOf returns the ordered columns of a table as written: from a
// CREATE earlier in the script, the schema option (exactly, then by a
// looser match), or the catalog.
func (a *analyzer) columnsOf(name relq.Name) ([]string, bool) {
	key := name.String()
	if cols, ok := a.created[key]; ok {
		return cols, true
	}
	if cols, ok := a.opts.Schema[key]; ok {
		return cols, true
	}
	if cols, ok := looseLookup(a.opts.Schema, name); ok {
		return cols, true
	}
	if a.opts.Catalog != nil {
		return a.opts.Catalog.Columns(name)
	}
	return nil, false
}

// looseLookup matches a schema key that names the same table with more or
// fewer qualifying parts, or in another case, when exactly one does.
func looseLookup(s Schema, name relq.Name) ([]string, bool) {
	if len(s) == 0 {
		return nil, false
	}
	var found []string
	n := 0
	for k, cols := range s {
		kn := relq.Name(strings.Split(k, "."))
		if suffixOf(kn, name) || strings.EqualFold(k, name.String()) {
			found = cols
			n++
		}
	}
	return found, n == 1
}
