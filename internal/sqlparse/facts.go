package sqlparse

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// visit records the facts of one node before its members are walked.
func (w *walker) visit(t *msgType, v int32) {
	st, d := w.st, &w.d
	if t.stmt && v != w.top && t.name != "SelectStmt" {
		kind, _ := kindOf(t, d, v)
		st.Nested = appendOnce(st.Nested, kind)
	}
	switch t.hook {
	case hookInto:
		st.Into = true
	case hookLocking:
		st.Locking = appendOnce(st.Locking, lockStrength(d.text(t.get(d, v, "strength"))))
	case hookCTE:
		st.CTEs = appendOnce(st.CTEs, d.text(t.get(d, v, "ctename")))
	case hookFuncCall:
		w.function(t.get(d, v, "funcname"), w.inFrom())
	case hookTableSample:
		w.function(t.get(d, v, "method"), true)
	case hookRangeVar:
		st.Relations = appendOnce(st.Relations, Relation{
			Schema: d.text(t.get(d, v, "schemaname")),
			Name:   d.text(t.get(d, v, "relname")),
		})
	case hookAExpr:
		kind := d.text(t.get(d, v, "kind"))
		if strings.Contains(kind, "BETWEEN") {
			// a BETWEEN b AND c compares with >= and <=; its name is a keyword.
			st.Operators = appendOnce(st.Operators, Operator{Name: ">="})
			st.Operators = appendOnce(st.Operators, Operator{Name: "<="})
			return
		}
		w.operator(t.get(d, v, "name"))
	case hookSubLink:
		w.operator(t.get(d, v, "oper_name"))
	case hookSortBy:
		w.operator(t.get(d, v, "use_op"))
	case hookColumnRef:
		// t.f: the last part of a qualified name may call f(t).
		if _, name, n := w.qualified(t.get(d, v, "fields")); n >= 2 && name != "" {
			st.Fields = appendOnce(st.Fields, name)
		}
	case hookIndirection:
		// (expr).f: a field selection may call f(expr); subscripts and * do not.
		for _, m := range d.items(t.get(d, v, "indirection")) {
			if name := w.str(m.val); name != "" {
				st.Fields = appendOnce(st.Fields, name)
			}
		}
	}
}

// inFrom reports whether the FuncCall being visited is one of a
// RangeFunction's functions: FROM f(), ROWS FROM (f(), g()), LATERAL f().
func (w *walker) inFrom() bool {
	n := len(w.path)
	return n >= 3 && w.path[n-2].name == "List" && w.path[n-3].name == "RangeFunction"
}

// qualified reads a qualified name (a list of String nodes): its last two
// parts and how many parts it has. A part that is not a String (A_Star)
// reads as "", never a known name.
func (w *walker) qualified(list int32) (schema, name string, n int) {
	for _, m := range w.d.items(list) {
		schema, name = name, w.str(m.val)
		n++
	}
	return schema, name, n
}

// str reads a String node, or "" for any other node.
func (w *walker) str(node int32) string {
	t, v := w.unwrap(node)
	if t != w.s.str {
		return ""
	}
	return w.d.text(t.get(&w.d, v, "sval"))
}

func (w *walker) function(list int32, inFrom bool) {
	schema, name, n := w.qualified(list)
	if n == 0 {
		return
	}
	w.st.Functions = appendOnce(w.st.Functions, Function{Schema: schema, Name: name, InFrom: inFrom})
}

func (w *walker) operator(list int32) {
	schema, name, n := w.qualified(list)
	if n == 0 {
		return
	}
	w.st.Operators = appendOnce(w.st.Operators, Operator{Schema: schema, Name: name})
}

func lockStrength(s string) string {
	switch s {
	case "LCS_FORKEYSHARE":
		return "FOR KEY SHARE"
	case "LCS_FORSHARE":
		return "FOR SHARE"
	case "LCS_FORNOKEYUPDATE":
		return "FOR NO KEY UPDATE"
	case "LCS_FORUPDATE":
		return "FOR UPDATE"
	}
	return "FOR " + strings.TrimPrefix(s, "LCS_FOR") // unknown strength: still a lock
}

func appendOnce[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// finish derives the class of a walked statement from what it holds.
func finish(st *Statement) {
	switch st.Kind {
	case "select":
		switch {
		case st.Into:
			st.Class = ClassDDL
		case len(st.Nested) > 0:
			st.Class = ClassDML
			for _, k := range st.Nested {
				if !isDML(k) {
					st.Class = ClassAdmin // no such statement exists today
				}
			}
		case len(st.Locking) > 0:
			st.Class = ClassDML
		}
	case "explain":
		if st.Analyze && st.Inner != nil {
			st.Class = st.Inner.Class
		}
	}
}

func isDML(kind string) bool {
	switch kind {
	case "insert", "update", "delete", "merge":
		return true
	}
	return false
}

// ambiguousString reports whether a plain string literal ('...' or
// N'...') holds a backslash before a quote. With standard_conforming_strings
// on (pg_query's reading) the backslash is a character; with it off it
// escapes the quote, and the rest of the text tokenizes differently.
func ambiguousString(sql string) bool {
	if !strings.Contains(sql, `\'`) {
		return false
	}
	res, err := pg_query.Scan(sql)
	if err != nil {
		return true
	}
	for _, tok := range res.Tokens {
		if tok.Token != pg_query.Token_SCONST || int(tok.End) > len(sql) || tok.Start < 0 {
			continue
		}
		raw := sql[tok.Start:tok.End]
		if strings.HasPrefix(raw, "N'") || strings.HasPrefix(raw, "n'") {
			raw = raw[1:]
		}
		if strings.HasPrefix(raw, "'") && strings.Contains(raw[1:], `\'`) {
			return true
		}
	}
	return false
}
