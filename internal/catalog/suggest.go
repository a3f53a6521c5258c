package catalog

import (
	"sort"
	"strings"
	"unicode"
)

// NotFoundError says a table does not exist and names close matches.
type NotFoundError struct {
	Name        string   // as the caller wrote it
	Suggestions []string // up to maxSuggestions qualified names, best first
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("table " + quoteMsg(e.Name) + " not found")
	switch len(e.Suggestions) {
	case 0:
		b.WriteString(".")
	case 1:
		b.WriteString("; did you mean " + quoteMsg(e.Suggestions[0]) + "?")
	default:
		b.WriteString("; did you mean one of " + quoteList(e.Suggestions) + "?")
	}
	b.WriteString(" Call list_tables to search.")
	return b.String()
}

// AmbiguousError says a name matches several tables.
type AmbiguousError struct {
	Name    string
	Choices []string // qualified names, sorted
}

func (e *AmbiguousError) Error() string {
	return "table " + quoteMsg(e.Name) + " is ambiguous: it matches " + quoteList(e.Choices) +
		"; qualify it with its schema, in double quotes where case matters."
}

// quoteMsg sets a name off in a message: in double quotes, or in backticks
// when it holds double quotes itself (`"Order Items"`).
func quoteMsg(s string) string {
	if strings.Contains(s, `"`) {
		return "`" + s + "`"
	}
	return `"` + s + `"`
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteMsg(n)
	}
	return strings.Join(q, ", ")
}

const maxSuggestions = 5

// suggest ranks rels by closeness to the name the caller wrote (its table
// part, and its schema when given) and returns up to maxSuggestions
// qualified names. A relation qualifies by a small edit distance (a third of
// the shorter name, at least 2), a common prefix of four letters or more,
// containing or being contained in the name, or a shared word.
func suggest(rels []relation, parts []namePart) []string {
	want := strings.ToLower(parts[len(parts)-1].text)
	wantSchema := ""
	if len(parts) == 2 {
		wantSchema = strings.ToLower(parts[0].text)
	}
	wantWords := words(want)
	type scored struct {
		name  string
		score float64
	}
	var hits []scored
	for _, r := range rels {
		got := strings.ToLower(r.Name)
		d := levenshtein(want, got)
		n := len([]rune(want))
		score := float64(d) / float64(max(n, 1)) // 0 = same
		ok := d <= max(2, min(n, len([]rune(got)))/3) || commonPrefix(want, got) >= 4
		if len(want) >= 3 && len(got) >= 3 && (strings.Contains(got, want) || strings.Contains(want, got)) {
			ok = true
			score -= 0.3
		}
		if n := shared(wantWords, words(got)); n > 0 {
			ok = true
			score -= 0.2 * float64(n)
		}
		if !ok {
			continue
		}
		if wantSchema != "" && strings.ToLower(r.Schema) != wantSchema {
			score += 0.05 // prefer the schema the caller named
		}
		hits = append(hits, scored{r.QualifiedName(), score})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score < hits[j].score
		}
		return hits[i].name < hits[j].name
	})
	out := []string{}
	for i := 0; i < len(hits) && i < maxSuggestions; i++ {
		out = append(out, hits[i].name)
	}
	return out
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// commonPrefix is the length in runes of the longest common prefix.
func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// words splits a lower-cased name into words of two letters or more, with a
// plural "s" dropped: "order_items" → order, item.
func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) > 3 && strings.HasSuffix(w, "s") {
			w = w[:len(w)-1]
		}
		if len(w) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

func shared(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
				break
			}
		}
	}
	return n
}
