package slbench

import (
	"encoding/json"
	"fmt"
	"slices"
)

// spiderTreeGold returns the table and column keys in Spider's parsed `sql`
// tree, using the database's tables.json indexing (column 0 is '*').
func spiderTreeGold(db *Database, colIndex [][2]int, tree json.RawMessage) (tables, cols []string, err error) {
	var root map[string]any
	if err := json.Unmarshal(tree, &root); err != nil {
		return nil, nil, fmt.Errorf("parse spider tree: %w", err)
	}
	ts, cs := map[string]bool{}, map[string]bool{}
	colUnit := func(v any) {
		cu, ok := v.([]any)
		if !ok || len(cu) != 3 {
			return
		}
		id, ok := cu[1].(float64)
		if !ok || int(id) <= 0 || int(id) >= len(colIndex) {
			return
		}
		ref := colIndex[int(id)]
		t := db.Tables[ref[0]]
		cs[ColumnKey(t.Key, t.Columns[ref[1]].Name)] = true
	}
	var walkSQL func(m map[string]any)
	valUnit := func(v any) {
		vu, ok := v.([]any)
		if !ok || len(vu) != 3 {
			return
		}
		colUnit(vu[1])
		colUnit(vu[2])
	}
	val := func(v any) {
		switch x := v.(type) {
		case map[string]any:
			walkSQL(x)
		case []any:
			colUnit(x)
		}
	}
	cond := func(v any) {
		list, _ := v.([]any)
		for _, c := range list {
			cu, ok := c.([]any)
			if !ok || len(cu) != 5 {
				continue
			}
			valUnit(cu[2])
			val(cu[3])
			val(cu[4])
		}
	}
	walkSQL = func(m map[string]any) {
		if from, ok := m["from"].(map[string]any); ok {
			units, _ := from["table_units"].([]any)
			for _, u := range units {
				tu, _ := u.([]any)
				if len(tu) != 2 {
					continue
				}
				switch tu[0] {
				case "table_unit":
					ts[db.Tables[int(tu[1].(float64))].Key] = true
				case "sql":
					if sub, ok := tu[1].(map[string]any); ok {
						walkSQL(sub)
					}
				}
			}
			cond(from["conds"])
		}
		if sel, ok := m["select"].([]any); ok && len(sel) == 2 {
			list, _ := sel[1].([]any)
			for _, s := range list {
				if p, ok := s.([]any); ok && len(p) == 2 {
					valUnit(p[1])
				}
			}
		}
		cond(m["where"])
		cond(m["having"])
		if gb, ok := m["groupBy"].([]any); ok {
			for _, g := range gb {
				colUnit(g)
			}
		}
		if ob, ok := m["orderBy"].([]any); ok && len(ob) == 2 {
			list, _ := ob[1].([]any)
			for _, v := range list {
				valUnit(v)
			}
		}
		for _, k := range []string{"intersect", "union", "except"} {
			if sub, ok := m[k].(map[string]any); ok {
				walkSQL(sub)
			}
		}
	}
	walkSQL(root)
	return sortedKeys(ts), sortedKeys(cs), nil
}

// CheckResult is the agreement of ExtractGold with Spider's parsed trees.
type CheckResult struct {
	N, SameTables, SameColumns int
}

// TablePct and ColumnPct are agreement percentages.
func (c CheckResult) TablePct() float64  { return pct(c.SameTables, c.N) }
func (c CheckResult) ColumnPct() float64 { return pct(c.SameColumns, c.N) }

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(a) / float64(n)
}

// SpiderCheck compares extracted gold with Spider's `sql` tree (§4.5).
// colIndex maps a database to its tables.json column ids.
func SpiderCheck(s *Suite) (CheckResult, []string, error) {
	var res CheckResult
	var diffs []string
	for _, q := range s.AllQuestions {
		if q.SpiderSQL == nil {
			continue
		}
		db := s.DBs[q.DB]
		wt, wc, err := spiderTreeGold(db, s.colIndex[q.DB], q.SpiderSQL)
		if err != nil {
			return res, nil, err
		}
		g := ExtractGold(db, q.SQL)
		res.N++
		if slices.Equal(wt, g.Tables) {
			res.SameTables++
		}
		if slices.Equal(wc, g.Columns) {
			res.SameColumns++
		} else {
			diffs = append(diffs, fmt.Sprintf("%s: %s\n  tree %v\n  ours %v", q.ID, q.SQL, wc, g.Columns))
		}
	}
	return res, diffs, nil
}
