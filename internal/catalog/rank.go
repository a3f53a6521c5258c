package catalog

import (
	"math"
	"regexp"
	"strings"
	"unicode"
)

// Lexical ranking of tables and columns for a question: BM25 over one
// document per table (its name, comment, column names, column comments and
// sample values, each field weighted), plus a score per column.

// Field weights in a table's document.
const (
	wTableName    = 3.0
	wTableNote    = 1.0
	wColName      = 2.0
	wColNote      = 1.0
	wSample       = 0.5
	bm25K1        = 1.2
	bm25B         = 0.75
	synonymW      = 0.6 // weight of a synonym of a question word
	colBoost      = 0.3 // share of the best column's score added to its table
	nameBoost     = 1.0 // extra per question word found in the table's name
	fullNameBoost = 1.0 // extra when the question holds the table's whole name
	maxSampleCh   = 40
)

type posting struct {
	t  int32
	tf float32
}

type colPosting struct {
	t, c int32
	w    float32
}

// index is what ranking needs from a Snapshot, built once.
type index struct {
	tables    map[string][]posting    // term → tables, weighted term frequency
	columns   map[string][]colPosting // term → columns, best field weight
	names     []map[string]bool       // per table: terms of its name
	fullName  []float64               // per table: bonus when the question has every term of its name
	docLen    []float64
	avgLen    float64
	colOff    []int // first column of table t in a flat column array
	adj       [][]int
	degree    []int
	multiSch  bool
	twinOf    []int          // per table: its twin group
	twins     map[int][]int  // twin group → tables, in snapshot order
	byName    map[string]int // lower(schema.name) and lower(name) → table
	numTables int
}

func (s *Snapshot) index() *index {
	s.once.Do(func() { s.idx = buildIndex(s) })
	return s.idx
}

func buildIndex(s *Snapshot) *index {
	n := len(s.Tables)
	ix := &index{tables: map[string][]posting{}, columns: map[string][]colPosting{},
		names: make([]map[string]bool, n), fullName: make([]float64, n), docLen: make([]float64, n), colOff: make([]int, n+1),
		adj: make([][]int, n), degree: make([]int, n), byName: map[string]int{}, numTables: n}
	schemas := map[string]bool{}
	for i := range s.Tables {
		t := &s.Tables[i]
		schemas[t.Schema] = true
		ix.byName[strings.ToLower(tableKey(t.Schema, t.Name))] = i
		if _, dup := ix.byName[strings.ToLower(t.Name)]; !dup {
			ix.byName[strings.ToLower(t.Name)] = i
		}
	}
	ix.multiSch = len(schemas) > 1
	total := 0.0
	for i := range s.Tables {
		t := &s.Tables[i]
		ix.colOff[i+1] = ix.colOff[i] + len(t.Columns)
		tf := map[string]float64{}
		add := func(text string, w float64) {
			for _, term := range terms(text) {
				tf[term] += w
			}
		}
		ix.names[i] = map[string]bool{}
		for _, term := range terms(t.Name) {
			ix.names[i][term] = true
		}
		add(t.Name, wTableName)
		add(t.Comment, wTableNote)
		for j, c := range t.Columns {
			cw := map[string]float64{}
			colAdd := func(text string, w float64) {
				for _, term := range terms(text) {
					tf[term] += w
					cw[term] = max(cw[term], w/wColName)
				}
			}
			colAdd(c.Name, wColName)
			colAdd(c.Comment, wColNote)
			for _, v := range c.Samples {
				colAdd(v, wSample)
			}
			for term, w := range cw {
				ix.columns[term] = append(ix.columns[term], colPosting{t: int32(i), c: int32(j), w: float32(w)})
			}
		}
		for term, f := range tf {
			ix.tables[term] = append(ix.tables[term], posting{t: int32(i), tf: float32(f)})
			ix.docLen[i] += f
		}
		total += ix.docLen[i]
		for _, fk := range t.ForeignKeys {
			if j, ok := ix.byName[strings.ToLower(tableKey(fk.RefSchema, fk.RefTable))]; ok && j != i {
				ix.adj[i] = append(ix.adj[i], j)
				ix.adj[j] = append(ix.adj[j], i)
				ix.degree[i]++
				ix.degree[j]++
			}
		}
	}
	if n > 0 {
		ix.avgLen = total / float64(n)
	}
	ix.twinOf, ix.twins = twinGroups(s)
	for i := range ix.names { // the name's words, weighted by rarity
		for term := range ix.names[i] {
			df := float64(len(ix.tables[term]))
			ix.fullName[i] += fullNameBoost * math.Log(1+(float64(n)-df+0.5)/(df+0.5))
		}
	}
	return ix
}

// twinGroups groups tables of one schema with the same columns and names
// that differ only in their digits (events_20240101, events_20240102).
func twinGroups(s *Snapshot) ([]int, map[int][]int) {
	of := make([]int, len(s.Tables))
	groups := map[int][]int{}
	byKey := map[string]int{}
	var b strings.Builder
	for i := range s.Tables {
		t := &s.Tables[i]
		b.Reset()
		b.WriteString(t.Schema + "\x00" + digitRuns.ReplaceAllString(t.Name, "#"))
		for _, c := range t.Columns {
			b.WriteString("\x00" + c.Name + " " + c.Type)
		}
		g, ok := byKey[b.String()]
		if !ok {
			g = i
			byKey[b.String()] = i
		}
		of[i] = g
		groups[g] = append(groups[g], i)
	}
	return of, groups
}

var digitRuns = regexp.MustCompile(`[0-9]+`)

// hasAll reports whether set holds every key of want (want not empty).
func hasAll(set, want map[string]bool) bool {
	for k := range want {
		if !set[k] {
			return false
		}
	}
	return len(want) > 0
}

// scores are one question's scores: per table and per column (flat, see
// index.colOff).
type scores struct {
	table []float64
	col   []float64
}

func (ix *index) score(question string) scores {
	sc := scores{table: make([]float64, ix.numTables), col: make([]float64, ix.colOff[ix.numTables])}
	n := float64(ix.numTables)
	qset := map[string]bool{}
	// A question word and its synonyms count once per table and column:
	// the best of them, so that a word with many synonyms weighs no more.
	bestT, bestC := map[int32]float64{}, map[int]float64{}
	for _, group := range queryTerms(question) {
		clear(bestT)
		clear(bestC)
		for _, qt := range group {
			term, qw := qt.term, qt.w
			if qw == 1 {
				qset[term] = true
			}
			ps := ix.tables[term]
			if len(ps) == 0 {
				continue
			}
			df := float64(len(ps))
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			for _, p := range ps {
				tf := float64(p.tf)
				norm := bm25K1 * (1 - bm25B + bm25B*ix.docLen[p.t]/max(ix.avgLen, 1))
				s := qw * idf * tf * (bm25K1 + 1) / (tf + norm)
				if ix.names[p.t][term] {
					s += qw * idf * nameBoost
				}
				bestT[p.t] = max(bestT[p.t], s)
			}
			for _, p := range ix.columns[term] {
				c := ix.colOff[p.t] + int(p.c)
				bestC[c] = max(bestC[c], qw*idf*float64(p.w))
			}
		}
		for t, s := range bestT {
			sc.table[t] += s
		}
		for c, s := range bestC {
			sc.col[c] += s
		}
	}
	for t := range sc.table {
		if full := ix.fullName[t]; full > 0 && hasAll(qset, ix.names[t]) {
			sc.table[t] += full
		}
		best := 0.0
		for _, c := range sc.col[ix.colOff[t]:ix.colOff[t+1]] {
			best = max(best, c)
		}
		sc.table[t] += colBoost * best
	}
	return sc
}

// queryTerm is a stemmed question word, or a synonym of one, with its weight.
type queryTerm struct {
	term string
	w    float64
}

// queryTerms are the question's stemmed words, each with weight 1 and
// followed by its synonyms with a lower weight: one group per word.
func queryTerms(q string) [][]queryTerm {
	seen := map[string]bool{}
	var words []string
	for _, term := range terms(q) {
		if !stopWords[term] && !seen[term] {
			seen[term] = true
			words = append(words, term)
		}
	}
	out := make([][]queryTerm, len(words))
	for i, w := range words {
		out[i] = []queryTerm{{w, 1}}
		for _, syn := range synonyms[w] {
			if !seen[syn] {
				seen[syn] = true
				out[i] = append(out[i], queryTerm{syn, synonymW})
			}
		}
	}
	return out
}

// terms splits text into stemmed, lower-case words: at case changes
// ("orderDate"), letter/digit changes, and anything not a letter or digit.
func terms(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, stem(strings.ToLower(string(cur))))
			cur = cur[:0]
		}
	}
	var prev rune
	for i, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case i > 0 && unicode.IsUpper(r) && unicode.IsLower(prev),
			i > 0 && unicode.IsDigit(r) != unicode.IsDigit(prev) && len(cur) > 0:
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

// stem is a light English stemmer: plurals, -ing, -ed and a final e, so
// that "created", "creates" and "creating" meet at "creat".
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = undouble(w[:len(w)-2])
	}
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	return w
}

func undouble(w string) string {
	n := len(w)
	if n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopWords are question words that say nothing about the schema (stemmed).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the a an of in for to and or is are was were what which who whom
		how many much list give show find all each with by on from that this those these their its
		as at be do does did please name names number me i we you it there than then per any
		get return select most least top one more less has have had can could would should will
		not no only also between into over under about other some such both after before`) {
		m[stem(w)] = true
	}
	delete(m, stem("name")) // "name" is often a column; keep it out of the list
	delete(m, stem("names"))
	delete(m, stem("number"))
	return m
}()

// synonymGroups are words a question and a schema use for the same thing.
var synonymGroups = [][]string{
	{"customer", "client", "user", "buyer", "account", "member", "person", "people"},
	{"order", "purchase", "sale", "transaction", "invoice", "booking", "buy", "bought"},
	{"revenue", "sales", "income", "turnover", "earnings"},
	{"amount", "total", "sum", "value"},
	{"price", "cost", "fee", "charge"},
	{"payment", "paid", "pay", "charge"},
	{"date", "time", "day", "month", "year", "week", "when", "timestamp", "created", "period", "quarter"},
	{"product", "item", "article", "sku", "goods"},
	{"employee", "staff", "worker", "personnel"},
	{"supplier", "vendor", "provider", "seller"},
	{"category", "type", "kind", "class", "group", "genre"},
	{"country", "nation", "region", "state", "city", "location", "address", "place"},
	{"quantity", "qty", "count", "units", "volume"},
	{"name", "title", "label"},
	{"id", "identifier", "key", "code"},
	{"average", "avg", "mean"},
	{"shipment", "delivery", "shipping", "ship"},
	{"student", "pupil", "learner"},
	{"teacher", "instructor", "professor"},
	{"movie", "film"},
	{"song", "track"},
	{"salary", "wage", "compensation", "income"},
	{"age", "birthday", "birth", "born"},
	{"email", "mail"},
	{"phone", "telephone", "mobile"},
	{"store", "shop", "branch", "outlet"},
	{"review", "rating", "score"},
}

// synonyms maps a stemmed word to the stemmed words of its groups.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range synonymGroups {
		for _, a := range g {
			sa := stem(a)
			for _, b := range g {
				if sb := stem(b); sb != sa {
					m[sa] = append(m[sa], sb)
				}
			}
		}
	}
	return m
}()
