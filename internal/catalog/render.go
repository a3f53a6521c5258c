package catalog

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// level is how much of a table Context renders, from everything to keys.
type level int

const (
	lvAll       level = iota // every column, comments, samples, unique keys
	lvFull                   // columns up to wideCols, comments, samples, unique keys
	lvNoSamples              // the same without sample values
	lvCompact                // keys, relevant columns and a few more; short comments
	lvKeys                   // keys and the most relevant columns only
	lvLike                   // named on a line of tables with the same columns as one shown
)

const (
	wideCols     = 25 // a table with more columns is cut to keys, relevant and first ones
	compactCols  = 8
	keysRelevant = 5
	maxSamples   = 3
)

// Tokens is the token estimate the budget uses: ceil(runes/4).
func Tokens(s string) int { return (utf8.RuneCountInString(s) + 3) / 4 }

// displayName is a table's name in results: schema.name when the snapshot
// has several schemas, else the name alone; unquoted.
func displayName(ix *index, t *TableInfo) string {
	if ix.multiSch {
		return t.Schema + "." + t.Name
	}
	return t.Name
}

// sqlName is displayName quoted for SQL.
func sqlName(ix *index, t *TableInfo) string {
	if ix.multiSch {
		return QuoteIdent(t.Schema) + "." + QuoteIdent(t.Name)
	}
	return QuoteIdent(t.Name)
}

// chooseColumns returns the column positions rendered at lv, in table
// order. colScore holds the table's column scores (nil without a question).
func chooseColumns(t *TableInfo, lv level, colScore []float64) []int {
	n := len(t.Columns)
	keep := make([]bool, n)
	kept := 0
	mark := func(j int) {
		if j >= 0 && !keep[j] {
			keep[j] = true
			kept++
		}
	}
	pos := func(name string) int {
		return slices.IndexFunc(t.Columns, func(c ColumnInfo) bool { return c.Name == name })
	}
	for _, c := range t.PrimaryKey {
		mark(pos(c))
	}
	for _, fk := range t.ForeignKeys {
		for _, c := range fk.Columns {
			mark(pos(c))
		}
	}
	var rel []int
	for j := range n {
		if colScore != nil && colScore[j] > 0 {
			rel = append(rel, j)
		}
	}
	slices.SortStableFunc(rel, func(a, b int) int {
		switch {
		case colScore[a] > colScore[b]:
			return -1
		case colScore[a] < colScore[b]:
			return 1
		}
		return 0
	})
	limit := n
	switch lv {
	case lvFull, lvNoSamples:
		limit = wideCols
	case lvCompact:
		limit = compactCols
	case lvKeys:
		limit = 0
		rel = rel[:min(len(rel), keysRelevant)]
	}
	for _, j := range rel {
		mark(j)
	}
	if n <= limit {
		return seq(n)
	}
	for j := 0; j < n && kept < limit; j++ {
		mark(j)
	}
	out := make([]int, 0, kept)
	for j := range n {
		if keep[j] {
			out = append(out, j)
		}
	}
	return out
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

var createKind = map[string]string{
	KindTable: "TABLE", KindView: "VIEW", KindMaterializedView: "MATERIALIZED VIEW", KindForeignTable: "FOREIGN TABLE",
}

// likeHead starts the line that lists tables with the columns of table
// like; likeItem is one of them.
func likeHead(ix *index, s *Snapshot, like int) string {
	return "-- same columns as " + sqlName(ix, &s.Tables[like]) + ": "
}

func likeItem(ix *index, s *Snapshot, ti int) string { return sqlName(ix, &s.Tables[ti]) }

// renderTable writes one table's DDL at lv; included says which tables are
// in the context (foreign keys to others are left out at lvKeys).
func renderTable(ix *index, s *Snapshot, ti int, lv level, colScore []float64, included func(int) bool) (string, []string) {
	t := &s.Tables[ti]
	var b strings.Builder
	if lv != lvKeys {
		note := clip(t.Comment, map[level]int{lvAll: 200, lvFull: 200, lvNoSamples: 200, lvCompact: 80}[lv])
		if t.RowEstimate >= 0 {
			note = strings.TrimSpace(note + " (~" + humanCount(t.RowEstimate) + " rows)")
		}
		if note != "" {
			b.WriteString("-- " + note + "\n")
		}
	}
	kind := createKind[t.Kind]
	if kind == "" {
		kind = "TABLE"
	}
	b.WriteString("CREATE " + kind + " " + sqlName(ix, t) + " (\n")
	cols := chooseColumns(t, lv, colScore)
	type item struct{ code, note string }
	items := make([]item, 0, len(cols)+len(t.ForeignKeys)+2)
	names := make([]string, 0, len(cols))
	for _, j := range cols {
		c := &t.Columns[j]
		names = append(names, c.Name)
		it := item{code: QuoteIdent(c.Name) + " " + c.Type}
		if !c.Nullable && !c.PrimaryKey && lv <= lvFull {
			it.code += " NOT NULL"
		}
		switch lv {
		case lvAll, lvFull, lvNoSamples:
			it.note = clip(c.Comment, 120)
		case lvCompact:
			it.note = clip(c.Comment, 60)
		}
		if lv <= lvFull && len(c.Samples) > 0 {
			it.note = strings.TrimSpace(strings.TrimSuffix(it.note, ".") + "; e.g. " + sampleList(c.Samples))
			it.note = strings.TrimPrefix(it.note, "; ")
		}
		items = append(items, it)
	}
	if len(t.PrimaryKey) > 0 {
		items = append(items, item{code: "PRIMARY KEY (" + identList(t.PrimaryKey) + ")"})
	}
	for _, fk := range t.ForeignKeys {
		ref := QuoteIdent(fk.RefTable)
		j, ok := ix.byName[strings.ToLower(tableKey(fk.RefSchema, fk.RefTable))]
		if ok {
			ref = sqlName(ix, &s.Tables[j])
		} else if ix.multiSch {
			ref = QuoteIdent(fk.RefSchema) + "." + ref
		}
		if lv == lvKeys && (!ok || !included(j)) {
			continue
		}
		items = append(items, item{code: "FOREIGN KEY (" + identList(fk.Columns) + ") REFERENCES " +
			ref + "(" + identList(fk.RefColumns) + ")"})
	}
	if lv <= lvFull {
		for _, u := range t.Unique {
			items = append(items, item{code: "UNIQUE (" + identList(u) + ")"})
		}
	}
	for i, it := range items {
		b.WriteString("  " + it.code)
		if i < len(items)-1 {
			b.WriteString(",")
		}
		if it.note != "" {
			b.WriteString(" -- " + it.note)
		}
		b.WriteString("\n")
	}
	if left := len(t.Columns) - len(cols); left > 0 {
		fmt.Fprintf(&b, "  -- %d more columns not shown\n", left)
	}
	b.WriteString(");\n")
	return b.String(), names
}

func identList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// sampleList renders values as SQL literals: 'a', 'b'.
func sampleList(vals []string) string {
	q := make([]string, 0, maxSamples)
	for _, v := range vals[:min(len(vals), maxSamples)] {
		q = append(q, "'"+strings.ReplaceAll(clip(v, maxSampleCh), "'", "''")+"'")
	}
	return strings.Join(q, ", ")
}

// clip shortens s to n runes (with "…"), on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// humanCount writes 950, 1.2k, 3.4M, 5.6B.
func humanCount(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 1_000_000:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e3)) + "k"
	case n < 1_000_000_000:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/1e6)) + "M"
	}
	return trimZero(fmt.Sprintf("%.1f", float64(n)/1e9)) + "B"
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
