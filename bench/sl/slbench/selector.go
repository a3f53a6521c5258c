package slbench

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Context is what a selector returns (§5).
type Context struct {
	Text    string
	Tables  []string // table keys (or names)
	Columns []string // "table.column"
}

// Selector chooses schema context for a question within budget tokens
// (0 = unbounded).
type Selector interface {
	Name() string
	Select(db *Database, query string, budget int) Context
}

// SelectorFunc adapts a function to Selector.
type SelectorFunc struct {
	ID string
	Fn func(db *Database, query string, budget int) Context
}

// Name returns the selector id.
func (f SelectorFunc) Name() string { return f.ID }

// Select calls Fn.
func (f SelectorFunc) Select(db *Database, query string, budget int) Context {
	return f.Fn(db, query, budget)
}

// FirstFit goes through table indexes in order and adds a whole table's
// canonical block if the whole text still fits the budget (§7).
func FirstFit(db *Database, order []int, budget int) Context {
	var ctx Context
	var b strings.Builder
	runes, sep := 0, utf8.RuneCountInString(db.Sep)
	for _, i := range order {
		blk := db.Block(i)
		add := utf8.RuneCountInString(blk)
		if b.Len() > 0 {
			add += sep
		}
		if budget > 0 && (runes+add+3)/4 > budget {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(db.Sep)
		}
		b.WriteString(blk)
		runes += add
		t := db.Tables[i]
		ctx.Tables = append(ctx.Tables, t.Key)
		for _, c := range t.Columns {
			ctx.Columns = append(ctx.Columns, t.Key+"."+c.Name)
		}
	}
	ctx.Text = b.String()
	return ctx
}

// WholeSchema is the whole-schema baseline.
func WholeSchema() Selector {
	return SelectorFunc{ID: "whole-schema", Fn: func(db *Database, _ string, budget int) Context {
		order := make([]int, len(db.Tables))
		for i := range order {
			order[i] = i
		}
		return FirstFit(db, order, budget)
	}}
}

var (
	camelBreak = regexp.MustCompile(`([a-z])([A-Z])`)
	nonWord    = regexp.MustCompile(`[^a-z0-9]+`)
	stopWords  = toSet(`the a an of in for to and or is are was were what which who whom how many much
list give show find all each with by on from that this those these their its as at be do does did
please name names number`)
)

// Words splits text as §7 says: break at lower→upper, lower-case, split on
// [^a-z0-9]+.
func Words(s string) []string {
	s = strings.ToLower(camelBreak.ReplaceAllString(s, "$1 $2"))
	var out []string
	for _, w := range nonWord.Split(s, -1) {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// QueryWords are Words minus the stop list.
func QueryWords(s string) []string {
	var out []string
	for _, w := range Words(s) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// bm25Index is a per-database BM25 index with one document per table.
type bm25Index struct {
	tf    []map[string]int
	dl    []float64
	avgdl float64
	df    map[string]int
}

func newBM25Index(db *Database) *bm25Index {
	ix := &bm25Index{df: map[string]int{}}
	total := 0.0
	for _, t := range db.Tables {
		name := t.Name
		if i := strings.LastIndex(name, "."); i >= 0 {
			name = name[i+1:]
		}
		words := Words(name)
		for _, c := range t.Columns {
			words = append(words, Words(c.Name)...)
		}
		tf := map[string]int{}
		for _, w := range words {
			tf[w]++
		}
		for w := range tf {
			ix.df[w]++
		}
		ix.tf = append(ix.tf, tf)
		ix.dl = append(ix.dl, float64(len(words)))
		total += float64(len(words))
	}
	if len(db.Tables) > 0 {
		ix.avgdl = total / float64(len(db.Tables))
	}
	return ix
}

func (ix *bm25Index) scores(query []string) []float64 {
	const k1, b = 1.2, 0.75
	n := float64(len(ix.tf))
	out := make([]float64, len(ix.tf))
	for _, w := range query {
		df := float64(ix.df[w])
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for i, tf := range ix.tf {
			f := float64(tf[w])
			if f == 0 {
				continue
			}
			norm := 1 - b + b*ix.dl[i]/ix.avgdl
			out[i] += idf * f * (k1 + 1) / (f + k1*norm)
		}
	}
	return out
}

// BM25Table is the bm25-table baseline. Indexes are cached per database.
func BM25Table() Selector {
	cache := map[*Database]*bm25Index{}
	return SelectorFunc{ID: "bm25-table", Fn: func(db *Database, query string, budget int) Context {
		ix := cache[db]
		if ix == nil {
			ix = newBM25Index(db)
			cache[db] = ix
		}
		sc := ix.scores(QueryWords(query))
		order := make([]int, len(sc))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return sc[order[a]] > sc[order[b]] })
		return FirstFit(db, order, budget)
	}}
}
