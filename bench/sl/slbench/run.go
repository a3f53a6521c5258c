package slbench

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Result is one JSON line: a (suite, selector, variant, budget) run.
type Result struct {
	Suite        string             `json:"suite"`
	Selector     string             `json:"selector"`
	QueryVariant string             `json:"query_variant"`
	Described    bool               `json:"described,omitempty"`
	Budget       int                `json:"budget"`
	Metrics                         // n, TR, CR, FC, tokens, latency
	ByDifficulty map[string]Metrics `json:"by_difficulty,omitempty"`
}

// RunConfig says what to run.
type RunConfig struct {
	Variant string
	Budgets []int
	Limit   int // questions; 0 = all
}

// Run evaluates sel on the suite at every budget.
func Run(ctx context.Context, s *Suite, sel Selector, cfg RunConfig) ([]Result, error) {
	qs := s.Questions
	if cfg.Limit > 0 && cfg.Limit < len(qs) {
		qs = qs[:cfg.Limit]
	}
	variant := cfg.Variant
	if variant == "" {
		variant = VariantQuestion
	}
	var out []Result
	for _, budget := range cfg.Budgets {
		scores := make([]Score, 0, len(qs))
		for _, q := range qs {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			db := s.DBs[q.DB]
			start := time.Now()
			c := sel.Select(db, q.QueryText(variant), budget)
			lat := time.Since(start)
			sc := ScoreContext(db, q, c, budget)
			sc.Latency = lat
			scores = append(scores, sc)
		}
		r := Result{Suite: s.ID, Selector: sel.Name(), QueryVariant: variant, Described: s.Described,
			Budget: budget, Metrics: Aggregate(scores)}
		r.ByDifficulty = byDifficulty(scores)
		out = append(out, r)
	}
	return out, nil
}

func byDifficulty(scores []Score) map[string]Metrics {
	groups := map[string][]Score{}
	for _, s := range scores {
		if s.Difficulty != "" {
			groups[s.Difficulty] = append(groups[s.Difficulty], s)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	out := map[string]Metrics{}
	for d, g := range groups {
		out[d] = Aggregate(g)
	}
	return out
}

// BudgetLabel writes 0 as ∞.
func BudgetLabel(b int) string {
	if b == 0 {
		return "∞"
	}
	return fmt.Sprint(b)
}

// MarkdownTable renders results side by side: one row per (suite, variant,
// selector), one column per budget with TR / CR / FC and mean tokens.
func MarkdownTable(results []Result) string {
	type rowKey struct{ suite, variant, selector string }
	var budgets []int
	seenB := map[int]bool{}
	rows := map[rowKey]map[int]Result{}
	var order []rowKey
	for _, r := range results {
		suite := r.Suite
		if r.Described {
			suite += " described"
		}
		k := rowKey{suite, r.QueryVariant, r.Selector}
		if rows[k] == nil {
			rows[k] = map[int]Result{}
			order = append(order, k)
		}
		rows[k][r.Budget] = r
		if !seenB[r.Budget] {
			seenB[r.Budget] = true
			budgets = append(budgets, r.Budget)
		}
	}
	sort.SliceStable(budgets, func(i, j int) bool {
		return budgets[j] == 0 || (budgets[i] != 0 && budgets[i] < budgets[j])
	})
	var b strings.Builder
	b.WriteString("| suite / query | selector | n |")
	for _, bu := range budgets {
		b.WriteString(" N=" + BudgetLabel(bu) + " |")
	}
	b.WriteString("\n|---|---|---|" + strings.Repeat("---|", len(budgets)) + "\n")
	for _, k := range order {
		n := 0
		for _, r := range rows[k] {
			n = r.N
		}
		fmt.Fprintf(&b, "| %s / %s | %s | %d |", k.suite, k.variant, k.selector, n)
		for _, bu := range budgets {
			r, ok := rows[k][bu]
			if !ok {
				b.WriteString(" |")
				continue
			}
			fmt.Fprintf(&b, " %s |", cell(r))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nCells: TR/CR/FC (TR/FC for Spider 2.0), mean tokens (rounded up), p95 latency in ms; " +
		"over-budget rate when not 0.\n")
	b.WriteString(difficultyTable(results, budgets))
	return b.String()
}

// difficultyTable is the BIRD per-difficulty breakdown: FC per budget.
func difficultyTable(results []Result, budgets []int) string {
	var b strings.Builder
	for _, r := range results {
		if len(r.ByDifficulty) == 0 || r.Budget != budgets[0] {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("\n| suite / query | selector | difficulty (n) |")
			for _, bu := range budgets {
				b.WriteString(" FC@" + BudgetLabel(bu) + " |")
			}
			b.WriteString("\n|---|---|---|" + strings.Repeat("---|", len(budgets)) + "\n")
		}
		diffs := make([]string, 0, len(r.ByDifficulty))
		for d := range r.ByDifficulty {
			diffs = append(diffs, d)
		}
		sort.Slice(diffs, func(i, j int) bool { return difficultyRank(diffs[i]) < difficultyRank(diffs[j]) })
		for _, d := range diffs {
			suite := r.Suite
			if r.Described {
				suite += " described"
			}
			fmt.Fprintf(&b, "| %s / %s | %s | %s (%d) |", suite, r.QueryVariant, r.Selector, d, r.ByDifficulty[d].N)
			for _, bu := range budgets {
				b.WriteString(" " + fcAt(results, r, bu, d) + " |")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func fcAt(results []Result, like Result, budget int, difficulty string) string {
	for _, r := range results {
		if r.Suite == like.Suite && r.Described == like.Described && r.QueryVariant == like.QueryVariant &&
			r.Selector == like.Selector && r.Budget == budget {
			return f3(r.ByDifficulty[difficulty].FC)
		}
	}
	return ""
}

func difficultyRank(d string) int {
	switch d {
	case "simple":
		return 0
	case "moderate":
		return 1
	case "challenging":
		return 2
	}
	return 3
}

func cell(r Result) string {
	var s string
	if !r.ColumnsScored {
		s = fmt.Sprintf("%s/%s", f3(r.TR), f3(r.FC))
	} else {
		s = fmt.Sprintf("%s/%s/%s", f3(r.TR), f3(r.CR), f3(r.FC))
	}
	s += fmt.Sprintf(" · %.0ft · %.1fms", math.Ceil(r.TokMean), r.LatP95ms)
	if r.OverBudgetRate > 0 {
		s += fmt.Sprintf(" · over %.3f", r.OverBudgetRate)
	}
	return s
}

// f3 formats a ratio like the published tables (.916, 1.0).
func f3(v float64) string {
	if v >= 0.9995 {
		return "1.0"
	}
	return strings.TrimPrefix(fmt.Sprintf("%.3f", v), "0")
}
