package slbench

import (
	"math"
	"sort"
	"strings"
	"time"
)

// Budgets are the SL@N budgets; 0 means unbounded.
var Budgets = []int{500, 1000, 2000, 4000, 8000, 16000, 32000, 0}

// Score is one question's result at one budget.
type Score struct {
	TR, CR, FC     float64
	PrecT, PrecC   float64
	Tokens         int
	Over           bool
	Latency        time.Duration
	Difficulty     string
	HasColumnScore bool
}

// ScoreContext scores ctx for q at budget (§5, §6).
func ScoreContext(db *Database, q Scored, ctx Context, budget int) Score {
	s := Score{Tokens: Tokens(ctx.Text), Difficulty: q.Difficulty, HasColumnScore: !q.TablesOnly}
	if budget > 0 && s.Tokens > budget {
		s.Over = true
		return s
	}
	text := strings.ToLower(ctx.Text)
	counted := map[string]*Table{}
	for _, name := range ctx.Tables {
		t := db.Table(name)
		if t == nil || counted[t.Key] != nil {
			continue
		}
		if strings.Contains(text, strings.ToLower(t.Name)) {
			counted[t.Key] = t
		}
	}
	cols := map[string]bool{}
	if !q.TablesOnly {
		for _, tc := range ctx.Columns {
			i := strings.LastIndex(tc, ".")
			if i < 0 {
				continue
			}
			t := counted[strings.ToLower(tc[:i])]
			if t == nil {
				continue
			}
			c, ok := t.Column(tc[i+1:])
			if ok && strings.Contains(text, strings.ToLower(c.Name)) {
				cols[ColumnKey(t.Key, c.Name)] = true
			}
		}
	}
	hitT := 0
	for _, k := range q.Gold.Tables {
		if counted[k] != nil {
			hitT++
		}
	}
	hitC := 0
	for _, k := range q.Gold.Columns {
		if cols[k] {
			hitC++
		}
	}
	s.TR = ratio(hitT, len(q.Gold.Tables), 1)
	s.CR = ratio(hitC, len(q.Gold.Columns), 1)
	s.FC = 0
	if hitT == len(q.Gold.Tables) && (q.TablesOnly || hitC == len(q.Gold.Columns)) {
		s.FC = 1
	}
	s.PrecT = ratio(hitT, len(counted), 0)
	s.PrecC = ratio(hitC, len(cols), 0)
	return s
}

func ratio(a, b int, empty float64) float64 {
	if b == 0 {
		return empty
	}
	return float64(a) / float64(b)
}

// Metrics are macro averages over questions at one budget.
type Metrics struct {
	N              int     `json:"n"`
	TR             float64 `json:"TR"`
	CR             float64 `json:"CR"`
	FC             float64 `json:"FC"`
	TokMean        float64 `json:"tok_mean"`
	TokP50         int     `json:"tok_p50"`
	TokP95         int     `json:"tok_p95"`
	OverBudgetRate float64 `json:"over_budget_rate"`
	PrecT          float64 `json:"prec_T"`
	PrecC          float64 `json:"prec_C"`
	LatP50ms       float64 `json:"lat_p50_ms"`
	LatP95ms       float64 `json:"lat_p95_ms"`
	// ColumnsScored is false for Spider 2.0, where CR and prec_C are not
	// defined (reported as 0) and FC needs only the tables.
	ColumnsScored bool `json:"columns_scored"`
}

// Aggregate macro-averages scores.
func Aggregate(scores []Score) Metrics {
	m := Metrics{N: len(scores)}
	if len(scores) == 0 {
		return m
	}
	toks := make([]int, len(scores))
	lats := make([]float64, len(scores))
	n := float64(len(scores))
	for i, s := range scores {
		m.TR += s.TR / n
		m.CR += s.CR / n
		m.FC += s.FC / n
		m.PrecT += s.PrecT / n
		m.PrecC += s.PrecC / n
		m.TokMean += float64(s.Tokens) / n
		if s.Over {
			m.OverBudgetRate += 1 / n
		}
		toks[i] = s.Tokens
		lats[i] = float64(s.Latency.Microseconds()) / 1000
	}
	sort.Ints(toks)
	sort.Float64s(lats)
	m.TokP50, m.TokP95 = toks[rank(len(toks), 50)], toks[rank(len(toks), 95)]
	m.LatP50ms, m.LatP95ms = lats[rank(len(lats), 50)], lats[rank(len(lats), 95)]
	m.ColumnsScored = scores[0].HasColumnScore
	if !m.ColumnsScored {
		m.CR, m.PrecC = 0, 0
	}
	return m
}

// rank is the nearest-rank percentile index.
func rank(n, p int) int {
	i := int(math.Ceil(float64(p)/100*float64(n))) - 1
	return max(0, min(i, n-1))
}
