package lineage

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

// Analyze computes the lineage of sql, one statement or a script.
func Analyze(ctx context.Context, sql string, opts Options) (*Result, error) {
	stmts, dialect, err := parse(ctx, sql, opts.Dialect)
	if err != nil {
		return nil, err
	}
	if opts.Dialect == "duckdb" {
		foldStmts(stmts)
		opts.Schema = foldSchema(opts.Schema)
	}
	res := AnalyzeShapes(stmts, opts)
	res.Dialect = dialect
	return res, nil
}

// parse reads sql into statements and names the parser(s) that read it.
// "postgres" uses pg_query alone. Otherwise pg_query comes first, then
// DuckDB's parser for a query, then a DuckDB query inside CREATE ... AS or
// INSERT; "duckdb" (a DuckDB connection), and DuckDB syntax pg_query would
// misread, put DuckDB first. A script no parser reads whole is read
// statement by statement.
func parse(ctx context.Context, sql, dialect string) ([]relq.Stmt, string, error) {
	switch dialect {
	case "postgres", "postgresql":
		st, err := sqlparse.Shape(sql)
		return st, "postgres", err
	case "", "duckdb":
	default:
		return nil, "", fmt.Errorf("unknown dialect %q: use \"postgres\", \"duckdb\" or leave it out", dialect)
	}
	duckFirst := func(text string) bool {
		return dialect == "duckdb" || (mayBeDuckDBOnly(text) && duckdbOnly.MatchString(text))
	}
	st, used, err := parseOne(ctx, sql, duckFirst(sql))
	if err == nil {
		return st, used, nil
	}
	parts := splitStatements(sql)
	if len(parts) < 2 {
		return nil, "", err
	}
	var out []relq.Stmt
	var dialects []string
	for i, p := range parts {
		st, used, perr := parseOne(ctx, p, duckFirst(p))
		if perr != nil {
			return nil, "", fmt.Errorf("statement %d of %d: %w", i+1, len(parts), perr)
		}
		out = append(out, st...)
		dialects = addOnce(dialects, used)
	}
	slices.Sort(dialects)
	return out, strings.Join(dialects, "+"), nil
}

// parseOne reads a text with each parser in turn.
func parseOne(ctx context.Context, sql string, duckFirst bool) ([]relq.Stmt, string, error) {
	if duckFirst {
		st, derr := duckParse(ctx, sql)
		switch {
		case derr == nil:
			return st, "duckdb", nil
		case errors.Is(derr, errDuckNotSelect):
			if ws, werr := duckWrapped(ctx, sql); werr == nil {
				return ws, "duckdb", nil
			}
		case !errors.Is(derr, errDuckSyntax):
			// DuckDB read it, but lineage cannot follow this construct:
			// pg_query would only misread it.
			return nil, "", derr
		}
	}
	st, err := sqlparse.Shape(sql)
	if err == nil || !fallbackWorthy(err) || duckFirst {
		return st, "postgres", err
	}
	st, derr := duckParse(ctx, sql)
	switch {
	case derr == nil:
		return st, "duckdb", nil
	case errors.Is(derr, errDuckNotSelect):
		// CREATE ... AS / INSERT around a query only DuckDB reads.
		ws, werr := duckWrapped(ctx, sql)
		if werr == nil {
			return ws, "duckdb", nil
		}
		if !errors.Is(werr, errNotWrapped) {
			return nil, "", fmt.Errorf("%w; %v", err, werr)
		}
		return nil, "", err
	default:
		return nil, "", fmt.Errorf("%w; %v", err, derr)
	}
}

// splitStatements cuts a script at its top-level semicolons.
func splitStatements(sql string) []string {
	var out []string
	start, depth := 0, 0
	for _, t := range tokens(sql) {
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		case ";":
			if depth == 0 {
				if s := strings.TrimSpace(sql[start:t.pos]); s != "" {
					out = append(out, s)
				}
				start = t.pos + 1
			}
		}
	}
	if s := strings.TrimSpace(sql[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// duckdbOnly spots DuckDB syntax that pg_query parses without error but
// misreads.
var duckdbOnly = regexp.MustCompile(`(?i)\b(asof|positional)\s+join\b|\bcolumns\s*\(\s*'`)

// mayBeDuckDBOnly is a cheap test before duckdbOnly, which would cost
// more than parsing.
func mayBeDuckDBOnly(sql string) bool {
	return (containsFold(sql, "join") && (containsFold(sql, "asof") || containsFold(sql, "positional"))) ||
		containsFold(sql, "columns")
}

// containsFold reports whether s contains the lower-case ASCII word w,
// ignoring ASCII case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// fallbackWorthy reports parse errors DuckDB's parser may read instead:
// syntax errors, not empty or unsafe text.
func fallbackWorthy(err error) bool {
	var se *sqlparse.SyntaxError
	return errors.As(err, &se) && !errors.Is(err, sqlparse.ErrEmpty)
}

// AnalyzeShapes computes the lineage of parsed statements.
func AnalyzeShapes(stmts []relq.Stmt, opts Options) *Result {
	a := &analyzer{opts: opts}
	res := &Result{Columns: map[string][]string{}}
	for i := range stmts {
		a.cur = &acc{}
		a.stmt(&stmts[i])
		st := finishStmt(&stmts[i], a.cur)
		res.Read = union(res.Read, st.Read)
		res.Write = union(res.Write, st.Write)
		res.CTEs = union(res.CTEs, st.CTEs)
		for k, v := range st.Columns {
			res.Columns[k] = union(res.Columns[k], v)
			if res.Columns[k] == nil {
				res.Columns[k] = []string{}
			}
		}
		res.Statements = append(res.Statements, st)
	}
	res.Read, res.Write, res.CTEs = nonNil(res.Read), nonNil(res.Write), nonNil(res.CTEs)
	res.Warnings = a.warns
	return res
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// union merges sorted b into a, sorted, without duplicates.
func union(a, b []string) []string {
	for _, x := range b {
		if i, ok := slices.BinarySearch(a, x); !ok {
			a = slices.Insert(a, i, x)
		}
	}
	return a
}

func finishStmt(s *relq.Stmt, c *acc) Statement {
	st := Statement{Kind: s.Kind, SQL: s.Text, Columns: map[string][]string{}, Uses: c.uses}
	st.Read = nonNil(sortedCopy(c.reads))
	st.Write = nonNil(sortedCopy(c.writes))
	st.CTEs = nonNil(sortedCopy(c.ctes))
	for _, k := range c.keys {
		tgt := splitKey(k)
		names := make([]string, 0, len(c.cols[k]))
		for _, x := range c.cols[k] {
			names = append(names, x.col.String())
			st.Edges = append(st.Edges, Edge{Target: tgt, Source: x.col, How: x.how})
		}
		slices.Sort(names)
		st.Columns[k] = slices.Compact(names)
	}
	return st
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// splitKey splits "table.col" at its last dot.
func splitKey(k string) Column {
	i := strings.LastIndexByte(k, '.')
	return Column{Table: k[:i], Column: k[i+1:]}
}

// stmt analyzes one top-level statement into a.cur.
func (a *analyzer) stmt(s *relq.Stmt) {
	switch s.Kind {
	case "select":
		pop := a.pushWith(s.With)
		out := a.query(s.Query, nil)
		pop()
		a.outputs("output", out)
	case "select into", "create table as", "create materialized view", "create view":
		pop := a.pushWith(s.With)
		out := renameRel(a.query(s.Query, nil), s.Columns)
		pop()
		a.target(s.Target)
		a.outputs(s.Target.String(), out)
		if len(out.open) == 0 { // tables and views alike supply their columns to later statements
			a.create(s.Target, colNames(out.cols))
		}
	case "insert", "update", "delete", "merge":
		// RETURNING rows are the statement's result, like a SELECT's.
		if ret := a.dml(s); len(s.Returning) > 0 {
			a.outputs("output", ret)
		}
	case "create table", "create foreign table":
		for _, r := range s.Reads {
			a.cur.addRead(r.String())
		}
		a.target(s.Target)
		// Inherited columns first; LIKE copies the source's columns in its
		// place among the others; a partition has its parent's columns.
		var cols []string
		known, next := true, 0
		for _, p := range s.Inherits {
			c, ok := a.columnsOf(p)
			known = known && ok
			cols = append(cols, c...)
		}
		if s.Partition {
			if known {
				a.create(s.Target, cols)
			}
			break
		}
		for i, r := range s.Reads {
			at := len(s.Columns)
			if i < len(s.LikeAt) {
				at = min(max(s.LikeAt[i], next), len(s.Columns))
			}
			cols = append(cols, s.Columns[next:at]...)
			next = at
			c, ok := a.columnsOf(r)
			known = known && ok
			cols = append(cols, c...)
		}
		cols = append(cols, s.Columns[next:]...)
		if known {
			a.create(s.Target, cols)
		}
	case "copy to":
		for _, r := range s.Reads {
			a.cur.addRead(r.String())
		}
		if s.Query != nil {
			a.query(s.Query, nil)
		}
		if s.Inner != nil {
			a.stmt(s.Inner)
		}
	case "alter table":
		a.target(s.Target)
		if cols, ok := a.columnsOf(s.Target); ok && len(s.Alter) > 0 {
			cols = slices.Clone(cols)
			for _, op := range s.Alter {
				switch op.Op {
				case "add":
					cols = append(cols, op.Column)
				case "drop":
					cols = slices.DeleteFunc(cols, func(c string) bool { return c == op.Column })
				case "rename":
					if i := slices.Index(cols, op.Column); i >= 0 {
						cols[i] = op.NewName
					}
				}
			}
			a.create(s.Target, cols)
		}
	case "copy from", "refresh materialized view":
		a.target(s.Target)
	case "truncate", "drop":
		for _, w := range s.Writes {
			a.cur.addWrite(w.String())
			if s.Kind == "drop" {
				delete(a.created, w.String())
			}
		}
	case "rename":
		for _, r := range s.Reads {
			a.cur.addRead(r.String())
		}
		for _, w := range s.Writes {
			a.cur.addWrite(w.String())
			if len(s.Reads) == 1 {
				if cols, ok := a.columnsOf(s.Reads[0]); ok {
					a.create(w, cols)
				}
			}
		}
	case "explain", "prepare", "declare cursor":
		if s.Inner != nil {
			a.stmt(s.Inner)
		}
	default:
		if s.Inner != nil {
			a.stmt(s.Inner)
		}
	}
}

func colNames(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.name
	}
	return out
}

// create records a table's columns for the rest of the script.
func (a *analyzer) create(name relq.Name, cols []string) {
	if len(name) == 0 || len(cols) == 0 {
		return
	}
	if a.created == nil {
		a.created = map[string][]string{}
	}
	a.created[name.String()] = cols
}

func (a *analyzer) target(n relq.Name) {
	if len(n) > 0 {
		a.cur.addWrite(n.String())
	}
}

// outputs records the columns of out as table.col keys.
func (a *analyzer) outputs(table string, out rel) {
	for _, c := range out.cols {
		a.edge(table, c.name, c.srcs)
	}
	for _, r := range out.open {
		name := r.name
		if r.table != nil {
			name = r.table.String()
		}
		a.warnf("* over %s cannot be expanded because its columns are unknown; %s", name, a.fix())
	}
}

// dml analyzes INSERT, UPDATE, DELETE or MERGE and returns its RETURNING
// rows (for a data-modifying CTE).
func (a *analyzer) dml(s *relq.Stmt) rel {
	pop := a.pushWith(s.With)
	defer pop()
	written := s.Target.String()
	a.target(s.Target)
	tgt := a.tableRTE(s.Target, s.TargetAlias, nil, false)
	switch s.Kind {
	case "insert":
		return a.insert(s, tgt)
	case "update":
		sc := a.dmlScope(tgt, s.From)
		for _, set := range s.Sets {
			a.edge(written, set.Column, a.exprW(set.Expr, sc, nil))
		}
		a.filter(s.Where, sc, rel{})
		return a.returning(s.Returning, sc)
	case "delete":
		sc := a.dmlScope(tgt, s.From)
		a.filter(s.Where, sc, rel{})
		return a.returning(s.Returning, sc)
	case "merge":
		sc := a.dmlScope(tgt, s.From)
		a.filter(s.Where, sc, rel{})
		// WHEN NOT MATCHED [BY TARGET] sees only the source row, NOT
		// MATCHED BY SOURCE only the target row.
		srcOnly := &scope{rtes: sc.rtes[1:], merged: sc.merged, star: sc.star[len(tgt.cols):], open: sc.open}
		if !tgt.known && len(sc.open) > 0 {
			srcOnly.open = sc.open[1:]
		}
		tgtOnly := a.dmlScope(tgt, nil)
		for _, w := range s.Merge {
			wsc := sc
			switch w.Match {
			case "not matched":
				wsc = srcOnly
			case "not matched by source":
				wsc = tgtOnly
			}
			a.filter(w.Cond, wsc, rel{})
			for _, set := range w.Sets {
				a.edge(written, set.Column, a.exprW(set.Expr, wsc, nil))
			}
			if w.Action == "insert" {
				cols := w.Columns
				if len(cols) == 0 {
					cols, _ = a.columnsOf(s.Target)
				}
				if len(cols) < len(w.Values) {
					a.warnf("MERGE ... INSERT into %s without a column list: its columns are unknown; %s", written, a.fix())
				}
				for i, v := range w.Values {
					if i < len(cols) {
						a.edge(written, cols[i], a.exprW(v, wsc, nil))
					}
				}
			}
		}
		return a.returning(s.Returning, sc)
	}
	return rel{}
}

// dmlScope is the scope of a DML statement: its target, then the items
// of FROM or USING.
func (a *analyzer) dmlScope(tgt *rte, from []*relq.From) *scope {
	it := single(tgt)
	sc := &scope{rtes: []*rte{tgt}, star: slices.Clone(it.star), open: it.open}
	for _, f := range from {
		it := a.fromItem(f, sc, nil)
		sc.star = append(sc.star, it.star...)
		sc.open = append(sc.open, it.open...)
	}
	return sc
}

func (a *analyzer) insert(s *relq.Stmt, tgt *rte) rel {
	written := s.Target.String()
	cols := s.Columns
	if len(cols) == 0 {
		cols, _ = a.columnsOf(s.Target)
	}
	var src rel
	if s.Query != nil {
		src = a.query(s.Query, nil)
	}
	if len(src.open) > 0 {
		a.outputs(written, rel{open: src.open}) // warns
	}
	if len(cols) == 0 && len(src.cols) > 0 {
		a.warnf("INSERT into %s without a column list: its columns are unknown, so values cannot be mapped by position; %s", written, a.fix())
	}
	values := make([]column, 0, len(cols))
	for i, c := range cols {
		col := column{name: c}
		if i < len(src.cols) {
			col.srcs = src.cols[i].srcs
			a.edge(written, c, col.srcs)
		}
		values = append(values, col)
	}
	// ON CONFLICT DO UPDATE: EXCLUDED.x is the value proposed for x.
	ins := &rte{name: tgt.name, table: tgt.table, qual: tgt.qual, cols: tgt.cols, known: tgt.known}
	// A column left out of the INSERT gets its default: no source.
	excluded := &rte{name: "excluded", cols: values, function: true}
	sc := &scope{rtes: []*rte{ins, excluded}}
	for _, set := range s.Conflict {
		a.edge(written, set.Column, a.exprW(set.Expr, sc, nil))
	}
	for _, f := range s.Filters {
		a.filter(f, sc, rel{})
	}
	// RETURNING sees the inserted row: each column's inserted value, and
	// nothing (its default) for the columns left out.
	ret := &rte{name: tgt.name, table: tgt.table, qual: tgt.qual, known: len(values) > 0}
	if all, ok := a.columnsOf(s.Target); ok {
		ret.known = true
		for _, c := range all {
			col := column{name: c}
			for _, v := range values {
				if v.name == c {
					col.srcs = v.srcs
				}
			}
			ret.cols = append(ret.cols, col)
		}
	} else if len(values) > 0 {
		ret.cols = values
	}
	return a.returning(s.Returning, a.dmlScope(ret, nil))
}

func (a *analyzer) returning(ts []relq.Target, sc *scope) rel {
	return a.targets(ts, sc, nil)
}
