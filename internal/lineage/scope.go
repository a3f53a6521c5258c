package lineage

import (
	"github.com/iopsdata/iopsdata/internal/relq"
)

// src is a base column feeding a value, and how.
type src struct {
	col Column
	how Transform
}

// srcs is a small set of sources; order is kept, duplicates merge their
// transformation bits.
type srcs []src

func (s srcs) add(x src) srcs {
	for i := range s {
		if s[i].col == x.col {
			s[i].how |= x.how
			return s
		}
	}
	return append(s, x)
}

func (s srcs) union(o srcs) srcs {
	for _, x := range o {
		s = s.add(x)
	}
	return s
}

func (s srcs) equal(o srcs) bool {
	if len(s) != len(o) {
		return false
	}
	for _, x := range s {
		found := false
		for _, y := range o {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// direct bits of Transform, and the two indirect ones.
const directBits = TIdentity | TTransformation | TAggregation

// apply composes a reference's role with the sources of what it refers to.
func apply(role relq.Role, in srcs) srcs {
	out := make(srcs, 0, len(in))
	for _, x := range in {
		h := x.how
		switch role {
		case relq.Identity:
		case relq.Transformation:
			if h&TIdentity != 0 {
				h = h&^TIdentity | TTransformation
			}
		case relq.Aggregation:
			if h&directBits != 0 {
				h = h&^directBits | TAggregation
			}
		case relq.Conditional:
			h = TConditional
		case relq.Window:
			h = TWindow
		default:
			continue
		}
		out = out.add(src{x.col, h})
	}
	return out
}

// column is a column of a relation in scope. A whole-row value also
// has the row's columns.
type column struct {
	name string
	srcs srcs
	row  []column
}

// rel is what a query produces: its columns, and the relations a * could
// not expand because their columns are unknown (a reference to another
// name passes through to them).
type rel struct {
	cols []column
	open []*rte
}

// rte is one relation visible in a scope.
type rte struct {
	name  string    // the name a qualifier matches: the alias, or the table's last part
	table relq.Name // the base table as written; nil for derived relations
	qual  bool      // no alias: a qualified name (s.t) also matches
	cols  []column
	known bool // cols is the whole column list
	// open relations accept any column name: a base table without a known
	// schema (the source is table.name), or a derived relation passing
	// names through to open relations, or a function (args are the source).
	open     []*rte
	fnArgs   srcs
	function bool
}

func (r *rte) isOpen() bool { return !r.known }

// find returns the sources of column name in r, and whether r has it.
// For an open relation any name is accepted.
func (r *rte) find(name string, a *analyzer) (srcs, bool) {
	c, ok := r.findCol(name, a)
	return c.srcs, ok
}

func (r *rte) findCol(name string, a *analyzer) (column, bool) {
	for _, c := range r.cols {
		if c.name == name {
			return c, true
		}
	}
	if r.known {
		return column{}, false
	}
	switch {
	case r.table != nil:
		return column{srcs: srcs{{Column{r.table.String(), name}, TIdentity}}}, true
	case r.function:
		return column{srcs: r.fnArgs}, true
	case len(r.open) == 1:
		return r.open[0].findCol(name, a)
	case len(r.open) > 1:
		a.warnf("column %q is ambiguous: several relations without a known schema could hold it; %s", name, a.fix())
	}
	return column{}, false
}

// wholeRow is the sources of a reference to the whole row of r.
func (r *rte) wholeRow() srcs {
	var out srcs
	for _, c := range r.cols {
		out = out.union(c.srcs)
	}
	if r.function {
		out = out.union(r.fnArgs)
	}
	return out
}

// hasKnown reports whether r's known columns include name.
func (r *rte) hasKnown(name string) bool {
	for _, c := range r.cols {
		if c.name == name {
			return true
		}
	}
	return false
}

// scope is the relations of one FROM clause, inside its enclosing scopes.
type scope struct {
	rtes   []*rte
	merged []column // USING / NATURAL columns, found first by an unqualified name
	star   []column // what * expands to, in order
	open   []*rte   // relations * cannot expand
	outer  *scope
}

// lookupRel finds the relation a qualifier names, innermost scope first.
func (s *scope) lookupRel(q relq.Name) *rte {
	for sc := s; sc != nil; sc = sc.outer {
		for i := len(sc.rtes) - 1; i >= 0; i-- {
			r := sc.rtes[i]
			if len(q) == 1 && r.name == q[0] {
				return r
			}
			if len(q) > 1 && r.qual && r.table != nil && suffixOf(q, r.table) {
				return r
			}
		}
	}
	return nil
}

// suffixOf reports whether q names t: equal, or t is q without leading parts.
func suffixOf(q, t relq.Name) bool {
	if len(t) < len(q) {
		q, t = t, q
	}
	off := len(t) - len(q)
	for i := range q {
		if q[i] != t[off+i] {
			return false
		}
	}
	return true
}

// lookupCol resolves an unqualified column name as PostgreSQL does: the
// innermost scope first, then the enclosing ones. Within a scope, merged
// USING columns, then relations known to have the column, then relations
// whose columns are unknown.
func (s *scope) lookupCol(name string, a *analyzer) (column, bool) {
	for sc := s; sc != nil; sc = sc.outer {
		for i := len(sc.merged) - 1; i >= 0; i-- {
			if sc.merged[i].name == name {
				return sc.merged[i], true
			}
		}
		var found *rte
		n := 0
		for _, r := range sc.rtes {
			if r.hasKnown(name) {
				if found == nil {
					found = r
				}
				n++
			}
		}
		if n > 1 {
			a.warnf("column %q is ambiguous: more than one relation in FROM has it; qualify it", name)
		}
		if found != nil {
			c, _ := found.findCol(name, a)
			return c, true
		}
		// A relation's own name: a whole-row reference (row_to_json(t),
		// jsonb_array_elements(...) AS item, then item->>'k'), before a
		// table whose columns are unknown is assumed to have the name.
		for i := len(sc.rtes) - 1; i >= 0; i-- {
			// Not a table of unknown columns: it may well have a column
			// named like its alias (SELECT region FROM stores region).
			if r := sc.rtes[i]; r.name == name && (r.known || r.function) {
				return column{srcs: r.wholeRow(), row: r.cols}, true
			}
		}
		var open []*rte
		for _, r := range sc.rtes {
			if r.isOpen() && !(r.function && len(r.cols) > 0) {
				open = append(open, r)
			}
		}
		switch {
		case len(open) == 1:
			return open[0].findCol(name, a)
		case len(open) > 1:
			// Only one base table or derived relation among them: functions
			// without declared columns rarely own a plain name.
			var tables []*rte
			for _, r := range open {
				if !r.function {
					tables = append(tables, r)
				}
			}
			if len(tables) == 1 {
				return tables[0].findCol(name, a)
			}
			a.warnf("column %q is ambiguous: it could come from any of several tables whose columns are unknown; qualify it, or %s", name, a.fix())
			return column{}, false
		}
	}
	return column{}, false
}
