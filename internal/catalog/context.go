package catalog

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ContextTable is one table a context shows: its name as Result.Context
// spells it (unquoted), the columns shown and its relevance score.
type ContextTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Score   float64  `json:"score"`
}

// Result is what Context returns, shaped like the schema_context tool.
type Result struct {
	Context string         `json:"context"`
	Tables  []ContextTable `json:"tables"`
	Tokens  int            `json:"tokens"`
	// Truncated is true when anything was left out: tables, columns, or
	// comments and samples shortened to fit.
	Truncated     bool `json:"truncated"`
	OmittedTables int  `json:"omitted_tables"`
	// Message explains an unusual result (a budget too small).
	Message string `json:"message,omitempty"`

	picked []int // positions of Tables in the snapshot
}

// Selector tuning.
const (
	seedShare   = 0.4 // tables scoring this share of the best are seeds
	maxSeeds    = 6
	coreShare   = 0.2 // tables scoring this share of the best come before upgrades
	maxCore     = 12
	bridgeDepth = 4  // longest foreign-key path searched between two seeds
	maxMisses   = 32 // tables in a row that do not fit before pass 3 stops
)

// Context chooses and renders the part of s that question needs within
// maxTokens (ceil(runes/4)); without a question it returns an overview. It
// reads no database and never returns more than maxTokens.
func Context(s *Snapshot, question string, maxTokens int) Result {
	ix := s.index()
	budget := min(max(maxTokens, 0), 1<<40) * 4 // runes
	if len(s.Tables) == 0 {
		return finish(Result{}, "-- the database has no tables\n", budget)
	}
	if strings.TrimSpace(question) == "" {
		return overview(s, ix, budget)
	}
	sc := ix.score(question)
	order, seeds := rankTables(ix, s, sc)
	sel := &selection{s: s, ix: ix, sc: sc, budget: budget, in: map[int]int{}, likeLine: map[int]bool{}}
	sel.reserve = utf8.RuneCountInString(footer(len(s.Tables), len(s.Tables)))
	core := append([]int{}, seeds...)
	core = append(core, bridges(ix, seeds)...)
	top := sc.table[order[0]]
	for _, t := range order {
		if len(core) >= maxCore || sc.table[t] <= 0 || sc.table[t] < coreShare*top {
			break
		}
		if !slices.Contains(core, t) {
			core = append(core, t)
		}
	}
	for _, t := range core { // pass 1: the core tables, as small as they go
		sel.add(t, lvKeys, lvKeys)
	}
	if len(sel.picks) == 0 {
		return tinyBudget(s, ix, sc, order[0], budget)
	}
	sel.upgradeAll() // pass 2: richer renderings, level by level
	misses := 0
	for _, t := range order { // pass 3: the other tables, small
		if sel.budget-sel.used-sel.reserve < 40 || misses >= maxMisses {
			break
		}
		if _, ok := sel.in[t]; !ok {
			if sel.add(t, lvCompact, lvKeys) {
				misses = 0
			} else {
				misses++
			}
		}
	}
	sel.upgradeAll()
	res := sel.result()
	if top <= 0 && res.Message == "" {
		res.Message = "no table or column matched the question's words; showing the most connected tables"
	}
	return res
}

// rankTables orders tables by score, then foreign-key degree and size, and
// returns the seeds: the best tables (at least one).
func rankTables(ix *index, s *Snapshot, sc scores) (order, seeds []int) {
	order = seq(len(s.Tables))
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case sc.table[a] != sc.table[b]:
			return cmpDesc(sc.table[a], sc.table[b])
		case ix.degree[a] != ix.degree[b]:
			return ix.degree[b] - ix.degree[a]
		}
		return cmpDesc(float64(s.Tables[a].RowEstimate), float64(s.Tables[b].RowEstimate))
	})
	top := sc.table[order[0]]
	seeds = []int{order[0]}
	for _, t := range order[1:] {
		if len(seeds) >= maxSeeds || sc.table[t] <= 0 || sc.table[t] < seedShare*top {
			break
		}
		seeds = append(seeds, t)
	}
	return order, seeds
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// bridges returns the tables on the shortest foreign-key paths between
// pairs of seeds that are not seeds themselves.
func bridges(ix *index, seeds []int) []int {
	var out []int
	isSeed := map[int]bool{}
	for _, t := range seeds {
		isSeed[t] = true
	}
	for i, a := range seeds {
		for _, b := range seeds[i+1:] {
			for _, t := range shortestPath(ix, a, b) {
				if !isSeed[t] && !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// shortestPath returns the tables strictly between a and b on a shortest
// undirected foreign-key path of at most bridgeDepth edges, or nil.
func shortestPath(ix *index, a, b int) []int {
	prev := map[int]int{a: -1}
	frontier := []int{a}
	for depth := 0; depth < bridgeDepth && len(frontier) > 0; depth++ {
		var next []int
		for _, u := range frontier {
			for _, v := range ix.adj[u] {
				if _, seen := prev[v]; seen {
					continue
				}
				prev[v] = u
				if v == b {
					var path []int
					for w := prev[b]; w != a; w = prev[w] {
						path = append(path, w)
					}
					slices.Reverse(path)
					return path
				}
				next = append(next, v)
			}
		}
		frontier = next
	}
	return nil
}

// selection is the context being built: picks in order with their level
// and rendered size in runes (with the separating newline).
type selection struct {
	s       *Snapshot
	ix      *index
	sc      scores
	budget  int
	reserve int // runes kept for the footer
	used    int
	picks   []pick
	in      map[int]int // table → position in picks
	// likeLine: tables with a line listing tables of the same columns
	likeLine map[int]bool
}

type pick struct {
	t     int
	lv    level
	runes int
	like  int // at lvLike: the table shown whose columns t shares
}

func (sel *selection) colScore(t int) []float64 {
	return sel.sc.col[sel.ix.colOff[t]:sel.ix.colOff[t+1]]
}

func (sel *selection) render(t int, lv level) (string, []string) {
	return renderTable(sel.ix, sel.s, t, lv, sel.colScore(t), func(j int) bool { _, ok := sel.in[j]; return ok })
}

func (sel *selection) size(t int, lv level) int {
	text, _ := sel.render(t, lv)
	return utf8.RuneCountInString(text) + 1
}

// add includes t at the richest level from best to worst that fits, or as
// a copy of a table with the same columns already shown.
func (sel *selection) add(t int, best, worst level) bool {
	if like := sel.shownTwin(t); like >= 0 {
		n := utf8.RuneCountInString(", " + likeItem(sel.ix, sel.s, t))
		if !sel.likeLine[like] {
			n = utf8.RuneCountInString("\n"+likeHead(sel.ix, sel.s, like)+likeItem(sel.ix, sel.s, t)) + 1
			sel.likeLine[like] = true
		}
		if sel.used+n+sel.reserve > sel.budget {
			return false
		}
		sel.in[t] = len(sel.picks)
		sel.picks = append(sel.picks, pick{t: t, lv: lvLike, runes: n, like: like})
		sel.used += n
		return true
	}
	for lv := best; lv <= worst; lv++ {
		n := sel.size(t, lv)
		if sel.used+n+sel.reserve <= sel.budget {
			sel.in[t] = len(sel.picks)
			sel.picks = append(sel.picks, pick{t: t, lv: lv, runes: n})
			sel.used += n
			return true
		}
	}
	return false
}

// shownTwin returns a table of t's twin group (same columns, name equal
// but for digits: date shards) rendered in full, or -1.
func (sel *selection) shownTwin(t int) int {
	for _, u := range sel.ix.twins[sel.ix.twinOf[t]] {
		if i, ok := sel.in[u]; ok && u != t && sel.picks[i].lv != lvLike {
			return u
		}
	}
	return -1
}

// upgradeAll raises every pick one level at a time, best first, so that
// all chosen tables get their relevant columns before any gets samples.
func (sel *selection) upgradeAll() {
	for lv := lvCompact; lv >= lvAll; lv-- {
		for i := range sel.picks {
			if p := &sel.picks[i]; p.lv > lv && p.lv != lvLike {
				if n := sel.size(p.t, lv); sel.used-p.runes+n+sel.reserve <= sel.budget {
					sel.used += n - p.runes
					p.lv, p.runes = lv, n
				}
			}
		}
	}
}

func footer(omitted, total int) string {
	return fmt.Sprintf("-- %d of %d tables not shown; ask a more specific question or raise max_tokens\n", omitted, total)
}

// result renders the picks (foreign keys at lvKeys may only get fewer now)
// and drops the last ones should the text still not fit.
func (sel *selection) result() Result {
	for {
		var b strings.Builder
		res := Result{}
		shown := map[int][]string{} // columns rendered per table
		likes := map[int][]string{} // shown table → tables with its columns
		for _, p := range sel.picks {
			if p.lv == lvLike {
				likes[p.like] = append(likes[p.like], likeItem(sel.ix, sel.s, p.t))
			}
		}
		for i, p := range sel.picks {
			var text string
			var cols []string
			if p.lv == lvLike {
				cols = shown[p.like]
			} else {
				if i > 0 {
					b.WriteString("\n")
				}
				text, cols = sel.render(p.t, p.lv)
				shown[p.t] = cols
				if l := likes[p.t]; len(l) > 0 {
					text += likeHead(sel.ix, sel.s, p.t) + strings.Join(l, ", ") + "\n"
				}
			}
			b.WriteString(text)
			t := &sel.s.Tables[p.t]
			res.picked = append(res.picked, p.t)
			res.Tables = append(res.Tables, ContextTable{Name: displayName(sel.ix, t), Columns: cols,
				Score: round3(sel.sc.table[p.t])})
			if p.lv > lvFull && p.lv != lvLike || len(cols) < len(t.Columns) {
				res.Truncated = true
			}
		}
		res.OmittedTables = len(sel.s.Tables) - len(sel.picks)
		if res.OmittedTables > 0 {
			b.WriteString("\n" + footer(res.OmittedTables, len(sel.s.Tables)))
			res.Truncated = true
		}
		if utf8.RuneCountInString(b.String()) <= sel.budget || len(sel.picks) <= 1 {
			return finish(res, b.String(), sel.budget)
		}
		last := sel.picks[len(sel.picks)-1]
		delete(sel.in, last.t)
		sel.picks = sel.picks[:len(sel.picks)-1]
	}
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// finish sets the text and its tokens, or empties it when over budget.
func finish(res Result, text string, budget int) Result {
	if utf8.RuneCountInString(text) > budget {
		res.Tables, res.Truncated = nil, true
		res.OmittedTables = 0
		res.Message = fmt.Sprintf("max_tokens is too small: this needs at least %d tokens", Tokens(text))
		text = ""
	}
	if res.Tables == nil {
		res.Tables = []ContextTable{}
	}
	res.Context, res.Tokens = text, Tokens(text)
	return res
}

// tinyBudget answers a budget too small for any DDL: the best table's name
// and key columns, or as much of that as fits.
func tinyBudget(s *Snapshot, ix *index, sc scores, best, budget int) Result {
	t := &s.Tables[best]
	keys := append([]string{}, t.PrimaryKey...)
	for _, fk := range t.ForeignKeys {
		keys = append(keys, fk.Columns...)
	}
	keys = slices.Compact(keys)
	res := Result{Truncated: true, OmittedTables: len(s.Tables) - 1,
		Message: "max_tokens is too small for table definitions; showing the best table's name and keys"}
	name := sqlName(ix, t)
	for n := len(keys); n >= 0; n-- {
		text := "-- budget too small; best table: " + name
		if n > 0 {
			text += " (" + identList(keys[:n]) + ")"
		}
		short := name + "\n"
		if n > 0 {
			short = name + "(" + identList(keys[:n]) + ")\n"
		}
		for _, txt := range []string{text + "\n", short} {
			if utf8.RuneCountInString(txt) <= budget {
				res.Tables = []ContextTable{{Name: displayName(ix, t), Columns: keys[:n], Score: round3(sc.table[best])}}
				res.Context, res.Tokens = txt, Tokens(txt)
				return res
			}
		}
	}
	need := Tokens(name + "\n")
	return Result{Tables: []ContextTable{}, Truncated: true, OmittedTables: len(s.Tables),
		Message: fmt.Sprintf("max_tokens is too small: at least %d tokens are needed to name one table", need)}
}
