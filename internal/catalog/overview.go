package catalog

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

const overviewCols = 10 // column names listed per table in an overview

// overview is Context without a question: schemas and tables with row
// counts, most important first (foreign-key degree, then size), then
// column names for as many of them as fit.
func overview(s *Snapshot, ix *index, budget int) Result {
	order := seq(len(s.Tables))
	slices.SortStableFunc(order, func(a, b int) int {
		if ix.degree[a] != ix.degree[b] {
			return ix.degree[b] - ix.degree[a]
		}
		return cmpDesc(float64(s.Tables[a].RowEstimate), float64(s.Tables[b].RowEstimate))
	})
	perSchema := map[string]int{}
	var schemaOrder []string
	for _, t := range s.Tables {
		if perSchema[t.Schema] == 0 {
			schemaOrder = append(schemaOrder, t.Schema)
		}
		perSchema[t.Schema]++
	}
	head := fmt.Sprintf("-- %d tables in %d schema(s); most connected and largest first\n", len(s.Tables), len(perSchema))
	schemaHead := func(name string) string {
		return fmt.Sprintf("-- schema %s: %d tables\n", QuoteIdent(name), perSchema[name])
	}
	reserve := utf8.RuneCountInString(footer(len(s.Tables), len(s.Tables)))
	used := utf8.RuneCountInString(head)
	detail := map[int]bool{}
	var picked []int
	seen := map[string]bool{}
	for _, t := range order {
		n := utf8.RuneCountInString(overviewLine(s, t, false))
		if sch := s.Tables[t].Schema; !seen[sch] {
			n += utf8.RuneCountInString(schemaHead(sch))
		}
		if used+n+reserve > budget {
			continue
		}
		used += n
		seen[s.Tables[t].Schema] = true
		picked = append(picked, t)
	}
	if len(picked) == len(s.Tables) {
		reserve = 0
	}
	for _, t := range picked {
		extra := utf8.RuneCountInString(overviewLine(s, t, true)) - utf8.RuneCountInString(overviewLine(s, t, false))
		if used+extra+reserve <= budget {
			used += extra
			detail[t] = true
		}
	}
	var b strings.Builder
	b.WriteString(head)
	res := Result{}
	slices.SortStableFunc(schemaOrder, func(a, c string) int { return strings.Compare(a, c) })
	for _, sch := range schemaOrder {
		var ts []int
		for _, t := range picked {
			if s.Tables[t].Schema == sch {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			continue
		}
		b.WriteString(schemaHead(sch))
		for _, t := range ts {
			b.WriteString(overviewLine(s, t, detail[t]))
			ct := ContextTable{Name: displayName(ix, &s.Tables[t]), Columns: []string{}}
			if detail[t] {
				for _, c := range s.Tables[t].Columns[:min(overviewCols, len(s.Tables[t].Columns))] {
					ct.Columns = append(ct.Columns, c.Name)
				}
			}
			res.Tables = append(res.Tables, ct)
		}
	}
	res.OmittedTables = len(s.Tables) - len(picked)
	if res.OmittedTables > 0 {
		b.WriteString(footer(res.OmittedTables, len(s.Tables)))
	}
	res.Truncated = res.OmittedTables > 0 || len(detail) < len(picked)
	if len(picked) == 0 {
		res.Message = "max_tokens is too small for an overview"
		return finish(res, "", budget)
	}
	return finish(res, b.String(), budget)
}

// overviewLine is one table: name, kind when not a table, rows, and with
// detail its first column names.
func overviewLine(s *Snapshot, ti int, detail bool) string {
	t := &s.Tables[ti]
	line := QuoteIdent(t.Name)
	if detail {
		var names []string
		for _, c := range t.Columns[:min(overviewCols, len(t.Columns))] {
			names = append(names, QuoteIdent(c.Name))
		}
		if more := len(t.Columns) - len(names); more > 0 {
			names = append(names, fmt.Sprintf("+%d more", more))
		}
		line += "(" + strings.Join(names, ", ") + ")"
	}
	if t.Kind != KindTable {
		line += " [" + strings.ReplaceAll(t.Kind, "_", " ") + "]"
	}
	if t.RowEstimate >= 0 {
		line += " ~" + humanCount(t.RowEstimate) + " rows"
	}
	if c := clip(t.Comment, 60); c != "" && detail {
		line += " -- " + c
	}
	return line + "\n"
}
