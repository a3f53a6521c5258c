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

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/store"
)

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
