package impact

import (
	"slices"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/relq"
)

// hit is what one item does with the frontier, gathered over its statements.
type hit struct {
	via        map[string]bool
	reads      map[string]bool
	columns    map[string]bool
	writes     map[string]bool
	feeds      bool
	filters    bool
	unresolved bool // may use the column: the analysis left columns unresolved
	reading    bool // reads a frontier relation (any column)
	writing    bool // writes the target
	// out: the relations it produces (a view: itself; a query: the tables
	// it writes from what it read), with the columns fed when a column
	// was asked.
	out map[rel]map[string]bool
	// outAll: produced relations followed whole (no column asked).
	outAll map[rel]bool
}

func newHit() *hit {
	return &hit{via: map[string]bool{}, reads: map[string]bool{}, columns: map[string]bool{},
		writes: map[string]bool{}, out: map[rel]map[string]bool{}, outAll: map[rel]bool{}}
}

// frontierFor returns the frontier node a relation read on conn is, or nil.
func (w *walk) frontierFor(conn, name string) (*node, rel) {
	r := w.resolve(conn, name)
	for _, n := range w.byName[r.name] {
		if w.matches(n, r) {
			return n, r
		}
	}
	return nil, r
}

// match records what it depends on in the frontier, at depth.
func (w *walk) match(it *item, depth int) {
	h := newHit()
	colMode := w.req.Column != ""
	stmts := it.res.Statements
	if len(stmts) == 0 {
		stmts = []lineage.Statement{{Read: it.res.Read, Write: it.res.Write, CTEs: it.res.CTEs}}
	}
	for _, st := range stmts {
		w.matchStatement(it, &st, h, colMode, depth)
	}
	if !h.reading && !h.writing {
		return
	}
	w.record(it, h, depth)
}

func (w *walk) matchStatement(it *item, st *lineage.Statement, h *hit, colMode bool, depth int) {
	ctes := map[string]bool{}
	for _, c := range st.CTEs {
		ctes[c] = true
	}
	// target resolves a written relation: a view's statement produces the
	// view itself, whatever name it writes.
	target := func(name string) (rel, bool) {
		if name == "" || ctes[name] {
			return rel{}, false
		}
		if it.view != nil {
			return it.viewRe, true
		}
		if name == "output" {
			return rel{}, false
		}
		return w.resolve(it.conn, name), true
	}
	var readNodes []*node
	for _, name := range st.Read {
		if n, _ := w.frontierFor(it.conn, name); n != nil && !slices.Contains(readNodes, n) {
			readNodes = append(readNodes, n)
		}
	}
	// A column is the frontier's when its table is a frontier relation
	// (an unqualified column with no table: the one relation read, if it
	// is in the frontier).
	colNode := func(c lineage.Column) *node {
		if c.Table == "" {
			if len(st.Read) == 1 && len(readNodes) == 1 {
				return readNodes[0]
			}
			return nil
		}
		n, _ := w.frontierFor(it.conn, c.Table)
		return n
	}
	follows := func(n *node, col string) bool { return n.all || n.cols[col] }
	stReading := false // this statement reads the frontier
	hitOn := func(n *node, src string) {
		stReading, h.reading = true, true
		if colMode {
			h.via[src] = true
		} else {
			h.via[w.show(n, it.conn)] = true
		}
	}
	for _, n := range readNodes {
		if n.all {
			stReading, h.reading = true, true
			h.via[w.show(n, it.conn)] = true
		}
	}
	for _, e := range st.Edges {
		n := colNode(e.Source)
		if n == nil {
			continue
		}
		src := w.show(n, it.conn) + "." + catalog.QuoteIdent(e.Source.Column)
		h.reads[src] = true
		if !follows(n, e.Source.Column) {
			continue
		}
		hitOn(n, src)
		h.feeds = true
		if t, ok := target(e.Target.Table); ok {
			h.columns[t.display()+"."+catalog.QuoteIdent(e.Target.Column)+" ← "+src] = true
			if colMode {
				if h.out[t] == nil {
					h.out[t] = map[string]bool{}
				}
				h.out[t][e.Target.Column] = true
			}
		}
	}
	// Uses hold every base column referenced, with its role: those that
	// only filter, join, group or sort are "filters"; the others feed
	// (most also appear as edges; an output without a known target does
	// not).
	for _, u := range st.Uses {
		n := colNode(u.Column)
		if n == nil {
			continue
		}
		src := w.show(n, it.conn) + "." + catalog.QuoteIdent(u.Column.Column)
		h.reads[src] = true
		if !follows(n, u.Column.Column) {
			continue
		}
		hitOn(n, src)
		if u.Role >= relq.Filter {
			h.filters = true
		} else {
			h.feeds = true
		}
	}
	// Asked about a column, a statement that reads its relation but whose
	// columns the analyzer could not all resolve (SELECT * or unqualified
	// columns without a catalog) may use it: kept as "unresolved".
	if colMode && !stReading && len(readNodes) > 0 && w.mayUse(it.res.Warnings, readNodes) {
		h.reading, h.unresolved = true, true
		for _, n := range readNodes {
			h.via[w.show(n, it.conn)] = true
		}
	}
	for _, name := range st.Write {
		t, ok := target(name)
		if !ok {
			continue
		}
		if it.view == nil {
			h.writes[t.display()] = true
		}
		// Writing the target itself (at depth 1): INSERT INTO orders ...
		if depth == 1 && it.view == nil && w.isRoot(t) {
			if !colMode {
				h.writing = true
			} else {
				// Statement.Columns names every column written, fed or not
				// (INSERT ... VALUES has no edges).
				for tc := range st.Columns {
					c := col(tc)
					if tt, ok := target(c.Table); ok && w.isRoot(tt) && w.rootCol(c.Column) {
						h.writing = true
					}
				}
				for _, e := range st.Edges {
					if tt, ok := target(e.Target.Table); ok && w.isRoot(tt) && w.rootCol(e.Target.Column) {
						h.writing = true
					}
				}
			}
			continue
		}
		if !colMode && stReading {
			h.outAll[t] = true
		}
	}
	if it.view != nil && !colMode && stReading {
		h.outAll[it.viewRe] = true
	}
}

// mayUse says whether the analyzer's warnings leave open that a statement
// reading nodes uses one of the columns followed: a * it could not expand,
// or a warning naming the column.
func (w *walk) mayUse(warnings []string, nodes []*node) bool {
	for _, wr := range warnings {
		if strings.Contains(wr, "*") {
			return true
		}
		for _, n := range nodes {
			for c := range n.cols {
				if containsWord(wr, c) {
					return true
				}
			}
		}
	}
	return false
}

// col splits "schema.table.column" into table and column.
func col(s string) lineage.Column {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return lineage.Column{Column: s}
	}
	return lineage.Column{Table: s[:i], Column: s[i+1:]}
}

// containsWord says whether word occurs in s as a whole identifier.
func containsWord(s, word string) bool {
	isIdent := identByte
	for i := 0; ; {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isIdent(s[start-1])) && (end == len(s) || !isIdent(s[end])) {
			return true
		}
		i = start + 1
	}
}

// show names node n as seen from connection conn: the target written
// bare gets conn's default schema.
func (w *walk) show(n *node, conn string) string {
	r := n.rel
	if r.schema == "" {
		r.schema = w.defaultSchema(conn, r.name)
	}
	return r.display()
}

// isRoot says whether r is the target.
func (w *walk) isRoot(r rel) bool {
	for _, n := range w.roots {
		if w.matches(n, r) {
			return true
		}
	}
	return false
}

func (w *walk) rootCol(c string) bool {
	for _, n := range w.roots {
		if n.all || n.cols[c] {
			return true
		}
	}
	return false
}

// record adds the dependents of one matched item, and puts the relations
// it produces in the next round.
func (w *walk) record(it *item, h *hit, depth int) {
	role := roleOf(h)
	via := sortedKeys(h.via)
	if len(via) == 0 && h.writing {
		for _, n := range w.frontier {
			if n.root {
				via = append(via, w.show(n, it.conn))
				break
			}
		}
	}
	d := &Dependent{Connection: it.conn, Depth: depth, Via: strings.Join(via, ", "), Role: role,
		Reads: sortedKeys(h.reads)}
	var key string
	if it.view != nil {
		d.Kind = KindView
		if it.view.Kind == catalog.ViewKindMaterialized {
			d.Kind = KindMaterialized
		}
		d.Name = it.viewRe.display()
		d.Columns = sortedKeys(h.columns)
		key = "v\x00" + it.conn + "\x00" + d.Name
	} else {
		g := it.group
		d.Kind, d.Fingerprint, d.SQL, d.Count, d.LastSeen = KindQuery, g.Fingerprint, clipSQL(g.SQL), g.Count, g.LastSeen
		d.Writes = sortedKeys(h.writes)
		key = "q" + it.key
	}
	w.merge(key, d)
	// What it produces: views are nodes; written tables are nodes and
	// dependents of kind table.
	produced := map[rel]bool{}
	for r := range h.outAll {
		produced[r] = true
	}
	for r := range h.out {
		produced[r] = true
	}
	for _, r := range slices.SortedFunc(mapsKeys(produced), cmpRel) {
		var cols []string
		if w.req.Column != "" {
			for _, c := range slices.Sorted(mapsKeys(h.out[r])) {
				// UPDATE t SET b = a: t.b depends on t.a; t.a itself is followed already.
				if !(w.isRoot(r) && w.rootCol(c)) {
					cols = append(cols, c)
				}
			}
			if len(cols) == 0 {
				continue
			}
		} else if w.isRoot(r) {
			continue
		}
		w.addNode(&node{rel: r}, cols, depth)
		if it.view != nil || w.known[r] != nil || w.isRoot(r) {
			continue // a view is a dependent through its own definition
		}
		var fed []string
		prefix := r.display() + "."
		for c := range h.columns {
			if strings.HasPrefix(c, prefix) {
				fed = append(fed, c)
			}
		}
		slices.Sort(fed)
		td := &Dependent{Kind: KindTable, Name: r.display(), Connection: r.conn, Depth: depth,
			Via: d.Via, Role: role, Columns: fed, Reads: d.Reads}
		if it.group != nil {
			td.Fingerprint, td.SQL = it.group.Fingerprint, d.SQL
		}
		w.merge("t\x00"+r.conn+"\x00"+r.display(), td)
	}
}

// merge adds d, or folds it into the dependent already found: a dependent
// keeps its smallest depth; at that depth, what it uses accumulates.
func (w *walk) merge(key string, d *Dependent) {
	old, ok := w.deps[key]
	if !ok {
		w.deps[key] = d
		return
	}
	if d.Depth < old.Depth {
		w.deps[key] = d
		return
	}
	old.Columns = union(old.Columns, d.Columns)
	if d.Depth > old.Depth {
		return
	}
	old.Via = strings.Join(union(strings.Split(old.Via, ", "), strings.Split(d.Via, ", ")), ", ")
	old.Reads = union(old.Reads, d.Reads)
	old.Writes = union(old.Writes, d.Writes)
	old.Role = mergeRoles(old.Role, d.Role)
	if old.SQL == "" {
		old.Fingerprint, old.SQL = d.Fingerprint, d.SQL
	}
}

func roleOf(h *hit) string {
	var r []string
	if h.feeds {
		r = append(r, RoleFeeds)
	}
	if h.filters {
		r = append(r, RoleFilters)
	}
	if h.writing {
		r = append(r, RoleWrites)
	}
	if h.unresolved && len(r) == 0 {
		r = append(r, RoleUnresolved)
	}
	if len(r) == 0 {
		return RoleReads
	}
	return strings.Join(r, ", ")
}

func mergeRoles(a, b string) string {
	set := map[string]bool{}
	for _, s := range append(strings.Split(a, ", "), strings.Split(b, ", ")...) {
		set[s] = true
	}
	if len(set) > 1 {
		delete(set, RoleReads)
	}
	var r []string
	if len(set) > 1 {
		delete(set, RoleUnresolved)
	}
	for _, s := range []string{RoleFeeds, RoleFilters, RoleWrites, RoleUnresolved, RoleReads} {
		if set[s] {
			r = append(r, s)
		}
	}
	return strings.Join(r, ", ")
}

func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	set := map[string]bool{}
	for _, s := range append(slices.Clone(a), b...) {
		if s != "" {
			set[s] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(mapsKeys(m))
}

// mapsKeys is maps.Keys without the import cycle of a generic helper name.
func mapsKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
