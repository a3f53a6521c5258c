// Package impact answers "what depends on this table (or column)?": which
// views and logged queries read it, directly or through the views and
// tables derived from it, as far as lineage reaches.
//
// The inputs are the query log grouped by shape (store.QueryGroups) and
// the view definitions of the connections (catalog.Views); each is
// analyzed by internal/lineage (or any Analyzer). The walk is breadth
// first: the target is depth 0; a view or logged query reading a relation
// of depth d is a dependent of depth d+1; a view, and a table a logged
// query writes (INSERT ... SELECT, CREATE TABLE AS, MERGE, UPDATE ...
// FROM), becomes a relation of the same depth that further views and
// queries may read.
//
// Only what can read a relation is analyzed: a query cannot read a
// relation whose name does not appear in its text, so each round keeps the
// SQL texts containing, case-insensitively, the last name part of some
// relation of the frontier (see prefilter), and analyzes those not
// analyzed yet, once each, in parallel.
package impact

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/iopsdata/iopsdata/store"
)

// Request is one impact question.
type Request struct {
	// Table is the relation whose dependents are wanted: "orders",
	// "public.orders", `"Sales"."Orders"`, "db.public.orders". Unquoted
	// parts fold to lower case, as SQL does; an unquoted part with upper
	// case letters also matches the name exactly as written.
	Table string
	// Column narrows the question to one column (optional).
	Column string
	// Connection limits the question to one stored connection ("" = all).
	Connection string
	// Limit caps the dependents returned (0 = 100).
	Limit int
	// MaxDepth stops the walk at this depth (0 = no limit; 1 = direct
	// dependents only).
	MaxDepth int
}

// Data is what the dependents are searched in.
type Data struct {
	// Groups are the query log's groups (store.QueryGroups); those of
	// other connections than Request.Connection are ignored.
	Groups []store.QueryGroup
	// Views are the view definitions of each connection, by connection
	// name (catalog.Views).
	Views map[string][]catalog.ViewDef
}

// Analyzer returns the lineage of one SQL text run on a connection. The
// connection lets the caller pick the dialect and catalog
// (lineage.Options) for it.
type Analyzer func(ctx context.Context, connection, sql string) (*lineage.Result, error)

// Engine runs impact questions. The zero value is usable.
type Engine struct {
	// Analyze analyzes one SQL text; nil means lineage.Analyze with
	// default options.
	Analyze Analyzer
	// DefaultSchema names the schema an unqualified table name means on a
	// connection: the first schema of the search path that holds it
	// ("public" for PostgreSQL, "main" for DuckDB by default). nil, or "",
	// means unknown: then a bare name matches a qualified one with the
	// same last part, in any schema.
	DefaultSchema func(connection, name string) string
	// Workers analyze in parallel; 0 means GOMAXPROCS.
	Workers int
	// Budget bounds the time spent analyzing (0 = none). Past it, the
	// queries not analyzed yet are left out, the least run ones first, and
	// a note says how many: a log of 100,000 distinct queries all naming
	// the table takes seconds to analyze.
	Budget time.Duration
}

// Dependent kinds.
const (
	KindView         = "view"
	KindMaterialized = "materialized view"
	KindTable        = "table"
	KindQuery        = "query"
)

// Roles: how a dependent uses what it depends on.
const (
	RoleFeeds   = "feeds"   // a column of it feeds an output or written column
	RoleFilters = "filters" // a column of it is used in WHERE, JOIN, GROUP BY, ORDER BY ...
	RoleReads   = "reads"   // read without a known column (count(*), unresolved *)
	RoleWrites  = "writes"  // the target itself is written (depth 1 only)
	// RoleUnresolved: asked about a column, it reads the relation but the
	// analysis could not resolve all its columns (SELECT * or unqualified
	// columns without a catalog): it may use the column.
	RoleUnresolved = "unresolved"
)

// Dependent is one view, table or logged query that depends on the target.
type Dependent struct {
	Kind string `json:"kind"`
	// Name is a view's or table's qualified name, quoted where SQL needs it.
	Name       string `json:"name,omitempty"`
	Connection string `json:"connection,omitempty"`
	// Fingerprint, Count, LastSeen: the logged query's group. For a table,
	// the fingerprint and SQL are those of a query that writes it.
	Fingerprint string    `json:"fingerprint,omitempty"`
	SQL         string    `json:"sql,omitempty"`
	Count       int       `json:"count,omitempty"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	// Depth is 1 for a direct dependent of the target.
	Depth int `json:"depth"`
	// Via is the relation, or column, it depends through: the target at
	// depth 1, a view or table of depth Depth-1 beyond.
	Via string `json:"via"`
	// Role says how it uses Via: feeds, filters (both: "feeds, filters"),
	// reads (no column known), writes.
	Role string `json:"role"`
	// Columns are, for a view or table, its columns fed by Via, as
	// "v.x ← t.c".
	Columns []string `json:"columns,omitempty"`
	// Reads are the columns of Via it uses.
	Reads []string `json:"reads,omitempty"`
	// Writes are the relations a logged query writes.
	Writes []string `json:"writes,omitempty"`
}

// Result is the answer to one Request.
type Result struct {
	Dependents []Dependent `json:"dependents"`
	// Scanned is the number of query log groups considered, Analyzed the
	// number of them analyzed (the rest cannot read any relation of the
	// walk). View definitions are not counted.
	Scanned  int      `json:"scanned"`
	Analyzed int      `json:"analyzed"`
	Notes    []string `json:"notes,omitempty"`
}

const (
	defaultLimit = 100
	maxSQLShown  = 2000 // bytes of example SQL in a Dependent
)

// Run answers req over d.
func (e *Engine) Run(ctx context.Context, req Request, d Data) (*Result, error) {
	targets, folded, err := parseTarget(req.Table)
	if err != nil {
		return nil, err
	}
	var cols []string
	if strings.TrimSpace(req.Column) != "" {
		c, f, err := parseColumn(req.Column)
		if err != nil {
			return nil, err
		}
		cols, folded = c, folded || f
	}
	w := e.newWalk(ctx, req, d)
	if folded {
		w.notef("unquoted names fold to lower case; the upper-case spelling was matched too. Quote a name (\"Orders\") to match it exactly")
	}
	for _, t := range targets {
		r := rel{conn: req.Connection, schema: t[0], name: t[1]}
		w.addNode(&node{rel: r, root: true}, cols, 0)
		w.roots = append(w.roots, w.nodes[r])
	}
	if err := w.run(); err != nil {
		return nil, err
	}
	return w.result(req.Limit), nil
}

// ---- names ----

// rel is a relation of one connection, its database part dropped. An empty
// schema is unknown (a bare name whose connection's default schema is not
// known). An empty conn, only for the target without Request.Connection,
// matches every connection.
type rel struct{ conn, schema, name string }

// display returns the relation's name as SQL would write it.
func (r rel) display() string {
	if r.schema == "" {
		return catalog.QuoteIdent(r.name)
	}
	return catalog.QuoteIdent(r.schema) + "." + catalog.QuoteIdent(r.name)
}

// parseTarget reads the requested table name with SQL's rules and returns
// the (schema, name) pairs it may mean, schema "" when not given; folded
// says an unquoted part had upper case (its as-written spelling is a
// second candidate).
func parseTarget(s string) ([][2]string, bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, false, errors.New(`impact: pass table: the table (or view) whose dependents you want, e.g. "orders", "public.orders" or "\"Sales\".\"Orders\""; add column to ask about one column`)
	}
	parts, err := splitName(s)
	if err != nil {
		return nil, false, fmt.Errorf("impact: table %q: %w", s, err)
	}
	if len(parts) > 3 {
		return nil, false, fmt.Errorf("impact: table %q: want table, schema.table or database.schema.table", s)
	}
	parts = parts[max(0, len(parts)-2):]
	if len(parts) == 1 {
		parts = append([]namePart{{}}, parts...)
	}
	var out [][2]string
	folded := false
	for _, sc := range parts[0].spellings() {
		for _, n := range parts[1].spellings() {
			out = append(out, [2]string{sc, n})
		}
	}
	folded = len(out) > 1
	return out, folded, nil
}

func parseColumn(s string) ([]string, bool, error) {
	parts, err := splitName(s)
	if err != nil {
		return nil, false, fmt.Errorf("impact: column %q: %w", s, err)
	}
	if len(parts) != 1 {
		return nil, false, fmt.Errorf("impact: column %q: pass the column name alone, the table in table", s)
	}
	sp := parts[0].spellings()
	return sp, len(sp) > 1, nil
}

type namePart struct {
	text   string
	quoted bool
}

// spellings returns the names a part matches: a quoted part as is; an
// unquoted one folded to lower case and, when that differs, as written.
func (p namePart) spellings() []string {
	if p.quoted || p.text == "" {
		return []string{p.text}
	}
	if l := strings.ToLower(p.text); l != p.text {
		return []string{l, p.text}
	}
	return []string{p.text}
}

// splitName splits a dotted name; inside double quotes "" is a quote and a
// dot is a plain character.
func splitName(s string) ([]namePart, error) {
	var parts []namePart
	rest := strings.TrimSpace(s)
	for {
		var p namePart
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(rest[i:], '"')
				if j < 0 {
					return nil, errors.New("unterminated double quote")
				}
				b.WriteString(rest[i : i+j])
				i += j + 1
				if i < len(rest) && rest[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			p = namePart{text: b.String(), quoted: true}
			rest = strings.TrimSpace(rest[i:])
			if rest != "" && rest[0] != '.' {
				return nil, errors.New(`unexpected text after a quoted name; write a.b or "a"."b"`)
			}
		} else {
			end := strings.IndexAny(rest, `."`)
			if end < 0 {
				end = len(rest)
			}
			if end < len(rest) && rest[end] == '"' {
				return nil, errors.New("a double quote inside an unquoted name; quote the whole part")
			}
			p = namePart{text: strings.TrimSpace(rest[:end])}
			rest = rest[end:]
		}
		if p.text == "" {
			return nil, errors.New("empty name part")
		}
		parts = append(parts, p)
		if rest == "" {
			return parts, nil
		}
		rest = strings.TrimSpace(rest[1:])
		if rest == "" {
			return nil, errors.New("ends with a dot")
		}
	}
}

// ---- the walk ----

// node is a relation of the walk: the target (root) or a view or table
// derived from it.
type node struct {
	rel   rel
	root  bool
	depth int
	// all: followed as a whole relation (no column asked); cols: the
	// columns followed, when a column was asked.
	all  bool
	cols map[string]bool
}

// item is a unit of SQL to match: a view definition or a log group.
type item struct {
	conn   string
	sql    string
	lower  string // sql in lower case, made on first use
	view   *catalog.ViewDef
	group  *store.QueryGroup
	key    string // cache key: connection and fingerprint (or text)
	done   bool   // analyzed (res or err set)
	res    *lineage.Result
	err    error
	viewRe rel // the view's own relation
}

type walk struct {
	ctx     context.Context
	e       *Engine
	req     Request
	analyze Analyzer
	defs    map[string]string // default schema by connection and name, memoized
	defMu   sync.Mutex

	views  []*item
	groups []*item
	cache  map[string]*item // analyzed items by key
	known  map[rel]*item    // views by relation, to tell a written view from a table

	nodes    map[rel]*node
	roots    []*node
	frontier []*node
	byName   map[string][]*node // the frontier by relation name
	next     map[rel]*node      // nodes (or new columns of nodes) for the next round

	deps     map[string]*Dependent
	start    time.Time
	skipped  int // not analyzed: over the budget
	analyzed int
	failed   int
	firstErr string
	viewErrs []string
	notes    []string
}

func (e *Engine) newWalk(ctx context.Context, req Request, d Data) *walk {
	w := &walk{ctx: ctx, e: e, req: req, analyze: e.Analyze, defs: map[string]string{}, start: time.Now(),
		cache: map[string]*item{}, known: map[rel]*item{}, nodes: map[rel]*node{},
		next: map[rel]*node{}, deps: map[string]*Dependent{}}
	if w.analyze == nil {
		w.analyze = func(ctx context.Context, _, sql string) (*lineage.Result, error) {
			return lineage.Analyze(ctx, sql, lineage.Options{})
		}
	}
	conns := make([]string, 0, len(d.Views))
	for c := range d.Views {
		if req.Connection == "" || c == req.Connection {
			conns = append(conns, c)
		}
	}
	slices.Sort(conns)
	for _, c := range conns {
		for i := range d.Views[c] {
			v := &d.Views[c][i]
			it := &item{conn: c, sql: v.SQL, view: v, viewRe: rel{conn: c, schema: v.Schema, name: v.Name}}
			w.views = append(w.views, it)
			w.known[it.viewRe] = it
		}
	}
	for i := range d.Groups {
		g := &d.Groups[i]
		if req.Connection != "" && g.Connection != req.Connection {
			continue
		}
		k := g.Fingerprint
		if k == "" {
			k = "\x01" + g.SQL
		}
		w.groups = append(w.groups, &item{conn: g.Connection, sql: g.SQL, group: g, key: g.Connection + "\x00" + k})
	}
	return w
}

func (w *walk) notef(format string, args ...any) {
	w.notes = append(w.notes, fmt.Sprintf(format, args...))
}

func (w *walk) defaultSchema(conn, name string) string {
	if w.e.DefaultSchema == nil || conn == "" {
		return ""
	}
	key := conn + "\x00" + name
	w.defMu.Lock()
	defer w.defMu.Unlock()
	s, ok := w.defs[key]
	if !ok {
		s = w.e.DefaultSchema(conn, name)
		w.defs[key] = s
	}
	return s
}

// resolve turns a relation name as the SQL wrote it into a rel of conn.
func (w *walk) resolve(conn, name string) rel {
	parts := strings.Split(name, ".")
	switch len(parts) {
	case 1:
		return rel{conn: conn, schema: w.defaultSchema(conn, parts[0]), name: parts[0]}
	default:
		n := len(parts)
		return rel{conn: conn, schema: parts[n-2], name: parts[n-1]}
	}
}

// matches says whether a relation read on r.conn is node n's relation.
func (w *walk) matches(n *node, r rel) bool {
	if n.rel.name != r.name || (n.rel.conn != "" && n.rel.conn != r.conn) {
		return false
	}
	s := n.rel.schema
	if s == "" {
		s = w.defaultSchema(r.conn, n.rel.name)
	}
	return s == "" || r.schema == "" || s == r.schema
}

// addNode puts n (or, for a known node, the columns of cols it did not
// follow yet) in the next round. cols nil means the whole relation.
func (w *walk) addNode(n *node, cols []string, depth int) {
	if w.req.Column == "" {
		cols = nil
	}
	cur, ok := w.nodes[n.rel]
	if !ok {
		cur = &node{rel: n.rel, root: n.root, depth: depth, cols: map[string]bool{}}
		w.nodes[n.rel] = cur
	}
	nx := w.next[n.rel]
	add := func() *node {
		if nx == nil {
			nx = &node{rel: n.rel, root: cur.root, depth: depth, cols: map[string]bool{}}
			w.next[n.rel] = nx
		}
		return nx
	}
	if cols == nil {
		if !cur.all {
			cur.all = true
			add().all = true
		}
		return
	}
	for _, c := range cols {
		if !cur.cols[c] {
			cur.cols[c] = true
			add().cols[c] = true
		}
	}
}

func (w *walk) run() error {
	for depth := 0; len(w.next) > 0; depth++ {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		w.frontier = w.frontier[:0]
		for _, n := range w.next {
			w.frontier = append(w.frontier, n)
		}
		slices.SortFunc(w.frontier, func(a, b *node) int { return cmpRel(a.rel, b.rel) })
		w.byName = map[string][]*node{}
		for _, n := range w.frontier {
			w.byName[n.rel.name] = append(w.byName[n.rel.name], n)
		}
		w.next = map[rel]*node{}
		if w.req.MaxDepth > 0 && depth >= w.req.MaxDepth {
			var more []string
			for _, n := range w.frontier {
				if !n.root {
					more = append(more, n.rel.display())
				}
			}
			if len(more) > 0 {
				if len(more) > 5 {
					more = append(more[:5], fmt.Sprintf("%d more", len(more)-5))
				}
				w.notef("stopped at max_depth %d: %s may have dependents of their own; raise max_depth, or leave it out, to see them", w.req.MaxDepth, strings.Join(more, ", "))
			}
			break
		}
		cands := w.candidates()
		if err := w.analyzeAll(cands); err != nil {
			return err
		}
		for _, it := range cands {
			if it.err == nil && it.res != nil {
				w.match(it, depth+1)
			}
		}
	}
	if w.failed > 0 {
		w.notef("%d logged queries could not be analyzed and were skipped (first: %s)", w.failed, w.firstErr)
	}
	if w.skipped > 0 {
		w.notef("the time budget (%v) ran out: %d queries or views naming a relation of the walk were not analyzed (the least run ones); the list may be incomplete. Ask about a column or a connection to narrow it", w.e.Budget, w.skipped)
	}
	if len(w.viewErrs) > 0 {
		slices.Sort(w.viewErrs)
		w.notef("views that could not be analyzed: %s", strings.Join(w.viewErrs, "; "))
	}
	return nil
}

func cmpRel(a, b rel) int {
	return cmp.Or(cmp.Compare(a.conn, b.conn), cmp.Compare(a.schema, b.schema), cmp.Compare(a.name, b.name))
}

// candidates returns the views and groups whose text names a relation of
// the frontier: the prefilter. It runs in parallel (lower-casing 100,000
// texts is the bulk of it).
func (w *walk) candidates() []*item {
	var needles []string
	for _, n := range w.frontier {
		l := strings.ToLower(n.rel.name)
		if !slices.Contains(needles, l) {
			needles = append(needles, l)
		}
	}
	f := newPrefilter(needles)
	all := make([]*item, 0, len(w.views)+len(w.groups))
	all = append(all, w.views...)
	all = append(all, w.groups...)
	keep := make([]bool, len(all))
	parallel(w.workers(), len(all), func(i int) {
		it := all[i]
		if it.lower == "" {
			it.lower = strings.ToLower(it.sql)
		}
		keep[i] = f.match(it.lower)
	})
	var out []*item
	for i, it := range all {
		if keep[i] {
			out = append(out, it)
		}
	}
	return out
}

// prefilter tests whether a lower-case SQL text may name one of a set of
// lower-case relation names. A few names are each searched as a substring.
// Many names (a frontier of hundreds of written tables) would make that
// names × texts: then the names that are plain identifiers are looked up
// among the text's identifier tokens instead, in one pass over the text.
// Both are sound: a plain name read by a query stands in its text as a
// whole token (bare or in double quotes). Other names (with spaces,
// dots, quotes) are always searched as substrings.
type prefilter struct {
	subs   []string
	tokens map[string]bool
}

const maxSubstringNeedles = 8

func newPrefilter(needles []string) *prefilter {
	f := &prefilter{}
	if len(needles) <= maxSubstringNeedles {
		f.subs = needles
		return f
	}
	f.tokens = map[string]bool{}
	for _, n := range needles {
		if isToken(n) {
			f.tokens[n] = true
		} else {
			f.subs = append(f.subs, n)
		}
	}
	return f
}

func (f *prefilter) match(lower string) bool {
	for _, s := range f.subs {
		if strings.Contains(lower, s) {
			return true
		}
	}
	if len(f.tokens) == 0 {
		return false
	}
	for i := 0; i < len(lower); {
		if !identByte(lower[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(lower) && identByte(lower[j]) {
			j++
		}
		if f.tokens[lower[i:j]] {
			return true
		}
		i = j
	}
	return false
}

// identByte: a byte of an identifier token. Bytes of multi-byte UTF-8
// characters count, so a token may be any non-ASCII name.
func identByte(b byte) bool {
	return b == '_' || b == '$' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !identByte(s[i]) {
			return false
		}
	}
	return true
}

func (w *walk) workers() int {
	if w.e.Workers > 0 {
		return w.e.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// parallel calls f(0..n-1) on up to workers goroutines, in chunks.
func parallel(workers, n int, f func(i int)) {
	if n == 0 {
		return
	}
	workers = max(1, min(workers, n))
	const chunk = 256
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// analyzeAll analyzes the candidates not analyzed yet, in parallel; a
// group whose key was analyzed before shares that analysis.
func (w *walk) analyzeAll(cands []*item) error {
	var todo, dups []*item
	for _, it := range cands {
		if it.done {
			continue
		}
		if it.key != "" {
			if prev, ok := w.cache[it.key]; ok {
				if prev.done {
					it.res, it.err, it.done = prev.res, prev.err, true
				} else {
					dups = append(dups, it)
				}
				continue
			}
			w.cache[it.key] = it
		}
		todo = append(todo, it)
	}
	defer func() {
		for _, it := range dups {
			prev := w.cache[it.key]
			it.res, it.err, it.done = prev.res, prev.err, true
		}
	}()
	// Views first, then the most run queries: what a budget cuts is what
	// matters least.
	slices.SortStableFunc(todo, func(a, b *item) int {
		return cmp.Compare(b.weight(), a.weight())
	})
	var workers sync.WaitGroup
	ch := make(chan *item)
	for range min(w.workers(), len(todo)) {
		workers.Go(func() {
			for it := range ch {
				if w.e.Budget > 0 && time.Since(w.start) > w.e.Budget {
					it.err = errOverBudget
					continue
				}
				it.res, it.err = w.safeAnalyze(it.conn, it.sql)
				if it.err == nil && it.res == nil {
					it.err = errors.New("no result")
				}
			}
		})
	}
	for _, it := range todo {
		if w.ctx.Err() != nil {
			break
		}
		ch <- it
	}
	close(ch)
	workers.Wait()
	if err := w.ctx.Err(); err != nil {
		return err
	}
	for _, it := range todo {
		it.done = true
		if it.err == errOverBudget {
			w.skipped++
			continue
		}
		if it.group != nil {
			w.analyzed++
		}
		if it.err == nil {
			continue
		}
		if it.view != nil {
			w.viewErrs = append(w.viewErrs, fmt.Sprintf("%s: %v", it.viewRe.display(), it.err))
			continue
		}
		w.failed++
		if w.firstErr == "" {
			w.firstErr = fmt.Sprintf("%v", it.err)
		}
	}
	return nil
}

var errOverBudget = errors.New("over the time budget")

// weight orders analyses: views first, then log groups by run count.
func (it *item) weight() int {
	if it.view != nil {
		return math.MaxInt
	}
	return it.group.Count
}

// safeAnalyze turns a panic of the analyzer into an error: one odd query
// must not take the answer down.
func (w *walk) safeAnalyze(conn, sql string) (res *lineage.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("analyzer panic: %v", r)
		}
	}()
	return w.analyze(w.ctx, conn, sql)
}

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

// clipSQL cuts very long SQL to about maxSQLShown bytes, on a rune
// boundary, with an ellipsis.
func clipSQL(s string) string {
	if len(s) <= maxSQLShown {
		return s
	}
	cut := maxSQLShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

var kindOrder = map[string]int{KindView: 0, KindMaterialized: 1, KindTable: 2, KindQuery: 3}

// result sorts the dependents and caps them at limit.
func (w *walk) result(limit int) *Result {
	if limit <= 0 {
		limit = defaultLimit
	}
	deps := make([]Dependent, 0, len(w.deps))
	for _, d := range w.deps {
		deps = append(deps, *d)
	}
	slices.SortFunc(deps, func(a, b Dependent) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Connection, b.Connection),
			cmp.Compare(a.Fingerprint, b.Fingerprint), cmp.Compare(a.SQL, b.SQL))
	})
	res := &Result{Scanned: len(w.groups), Analyzed: w.analyzed, Notes: w.notes}
	if len(deps) > limit {
		var narrow []string
		if w.req.Column == "" {
			narrow = append(narrow, "a column")
		}
		if w.req.Connection == "" {
			narrow = append(narrow, "a connection")
		}
		narrow = append(narrow, "a smaller max_depth")
		res.Notes = append(res.Notes, fmt.Sprintf("%d more dependents left out (limit %d); ask for %s, or raise the limit", len(deps)-limit, limit, strings.Join(narrow, ", ")))
		deps = deps[:limit]
	}
	res.Dependents = deps
	return res
}
