package lineage

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
)

// DuckDB matches identifiers case-insensitively, quoted ones too. For
// DuckDB SQL every name is folded to lower case, so Customers, customers
// and "CUSTOMERS" are one table, and a column matches whatever case the
// catalog or the query wrote it in.

func foldStmts(stmts []relq.Stmt) {
	for i := range stmts {
		foldStmt(&stmts[i])
	}
}

func low(s string) string { return strings.ToLower(s) }

func foldName(n relq.Name) {
	for i := range n {
		n[i] = low(n[i])
	}
}

func foldNames(ns []string) {
	for i := range ns {
		ns[i] = low(ns[i])
	}
}

func foldStmt(s *relq.Stmt) {
	if s == nil {
		return
	}
	foldName(s.Target)
	s.TargetAlias = low(s.TargetAlias)
	foldNames(s.Columns)
	for _, n := range s.Writes {
		foldName(n)
	}
	for _, n := range s.Reads {
		foldName(n)
	}
	for _, n := range s.Inherits {
		foldName(n)
	}
	for i := range s.Alter {
		s.Alter[i].Column, s.Alter[i].NewName = low(s.Alter[i].Column), low(s.Alter[i].NewName)
	}
	foldWith(s.With)
	foldQuery(s.Query)
	foldStmt(s.Inner)
	for _, f := range s.From {
		foldFrom(f)
	}
	foldExpr(&s.Where)
	for i := range s.Filters {
		foldExpr(&s.Filters[i])
	}
	foldSets(s.Sets)
	foldSets(s.Conflict)
	for i := range s.Merge {
		m := &s.Merge[i]
		foldExpr(&m.Cond)
		foldSets(m.Sets)
		foldNames(m.Columns)
		for j := range m.Values {
			foldExpr(&m.Values[j])
		}
	}
	foldTargets(s.Returning)
}

func foldSets(sets []relq.Set) {
	for i := range sets {
		sets[i].Column = low(sets[i].Column)
		foldExpr(&sets[i].Expr)
	}
}

func foldWith(w *relq.With) {
	if w == nil {
		return
	}
	for i := range w.CTEs {
		c := &w.CTEs[i]
		c.Name = low(c.Name)
		foldNames(c.Columns)
		foldQuery(c.Query)
		foldStmt(c.Stmt)
		for j := range c.Extra {
			c.Extra[j].Name = low(c.Extra[j].Name)
			foldNames(c.Extra[j].From)
		}
	}
}

func foldQuery(q *relq.Query) {
	if q == nil {
		return
	}
	foldWith(q.With)
	foldQuery(q.Left)
	foldQuery(q.Right)
	foldTargets(q.Targets)
	for _, f := range q.From {
		foldFrom(f)
	}
	for _, row := range q.Values {
		for i := range row {
			foldExpr(&row[i])
		}
	}
	for i := range q.Filters {
		foldExpr(&q.Filters[i])
	}
	for i := range q.Windows {
		w := &q.Windows[i]
		w.Name, w.Parent = low(w.Name), low(w.Parent)
		foldExpr(&w.Keys)
	}
	foldName(q.Into)
}

func foldTargets(ts []relq.Target) {
	for i := range ts {
		t := &ts[i]
		if t.Name != relq.SubqueryName {
			t.Name = low(t.Name)
		}
		foldExpr(&t.Expr)
		foldName(t.Qualifier)
		foldNames(t.Exclude)
		foldTargets(t.Replace)
	}
}

func foldFrom(f *relq.From) {
	if f == nil {
		return
	}
	foldName(f.Table)
	f.Alias = low(f.Alias)
	foldNames(f.ColAliases)
	foldQuery(f.Query)
	for i := range f.Args {
		foldExpr(&f.Args[i])
	}
	for _, cols := range f.FuncCols {
		foldNames(cols)
	}
	foldNames(f.Counters)
	foldFrom(f.Left)
	foldFrom(f.Right)
	foldNames(f.Using)
	f.UsingAlias = low(f.UsingAlias)
	foldExpr(&f.On)
}

func foldExpr(e *relq.Expr) {
	for i := range e.Refs {
		foldName(e.Refs[i].Name)
	}
	for i := range e.Subs {
		foldQuery(e.Subs[i].Query)
	}
	foldNames(e.Windows)
}

// foldSchema folds a schema option's table and column names.
func foldSchema(s Schema) Schema {
	if s == nil {
		return nil
	}
	out := make(Schema, len(s))
	for k, cols := range s {
		f := make([]string, len(cols))
		for i, c := range cols {
			f[i] = low(c)
		}
		out[low(k)] = f
	}
	return out
}
