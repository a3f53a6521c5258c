package impact

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// clipSQL cuts very long SQL to about maxSQLShown bytes, on a rune
// boundary, with an ellipsis.
func clipSQL(s string) string { return Clip(s, maxSQLShown) }

// Clip cuts s to at most n bytes at a character boundary, marking the cut
// with "…".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
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
