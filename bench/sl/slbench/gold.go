package slbench

import (
	"sort"
	"strings"
)

// Gold is the set of tables and columns a question's SQL uses.
type Gold struct {
	Tables  []string // table keys, sorted
	Columns []string // column keys, sorted
	Dropped int      // items referring to something not in the schema
}

var (
	kwFrom     = toSet("from")
	kwAs       = toSet("as")
	kwFromJoin = toSet("from join")
)

// ExtractGold applies §4 to sql over db.
func ExtractGold(db *Database, sql string) Gold {
	items := joinDotted(tokenizeSQL(sql))
	tables := map[string]bool{}
	aliases := map[string]string{}   // lower alias -> table key; the last definition wins
	skip := make([]bool, len(items)) // table or alias positions
	dropped := 0

	inFrom := false
	for i, it := range items {
		if it.isKeyword(fromListEnd) {
			inFrom = false
		}
		if it.isKeyword(kwFrom) {
			inFrom = true
		}
		if it.isKeyword(kwAs) && i+1 < len(items) {
			skip[i+1] = true
		}
		if it.name == nil || i == 0 || it.isKeyword(sqlKeywords) {
			continue
		}
		prev := items[i-1]
		tablePos := prev.isKeyword(kwFromJoin) ||
			(prev.tok.kind == tokComma && inFrom)
		if !tablePos {
			continue
		}
		t := db.Table(it.name.parts[len(it.name.parts)-1])
		if t == nil {
			continue
		}
		tables[t.Key] = true
		skip[i] = true
		j := i + 1
		if j < len(items) && items[j].isKeyword(kwAs) {
			j++
		}
		if j < len(items) && items[j].name != nil && !items[j].isKeyword(sqlKeywords) &&
			len(items[j].name.parts) == 1 {
			aliases[strings.ToLower(items[j].name.parts[0])] = t.Key
			skip[j] = true
		}
	}

	cols := map[string]bool{}
	// Qualified columns q.c.
	for i, it := range items {
		if skip[i] || it.name == nil || len(it.name.parts) < 2 {
			continue
		}
		p := it.name.parts
		q, c := strings.ToLower(p[len(p)-2]), p[len(p)-1]
		cands := map[string]bool{}
		if k, ok := aliases[q]; ok {
			cands[k] = true
		} else if t := db.Table(q); t != nil {
			cands[t.Key] = true
		}
		found := false
		for k := range cands {
			t := db.Table(k)
			if col, ok := t.Column(c); ok {
				cols[ColumnKey(t.Key, col.Name)] = true
				tables[t.Key] = true
				found = true
			}
		}
		if !found && len(cands) > 0 {
			dropped++
		}
	}
	// Bare columns.
	for i, it := range items {
		if skip[i] || it.name == nil || len(it.name.parts) != 1 || it.isKeyword(sqlKeywords) {
			continue
		}
		if i+1 < len(items) && items[i+1].tok.kind == tokLParen {
			continue
		}
		c := it.name.parts[0]
		if _, ok := aliases[strings.ToLower(c)]; ok {
			continue
		}
		// A table name counts only where a gold table has a column of that
		// name, which the loop below does by itself.
		for k := range tables {
			t := db.Table(k)
			if col, ok := t.Column(c); ok {
				cols[ColumnKey(t.Key, col.Name)] = true
			}
		}
	}
	return Gold{Tables: sortedKeys(tables), Columns: sortedKeys(cols), Dropped: dropped}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
