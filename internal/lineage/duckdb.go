package lineage

// DuckDB fallback: SQL that pg_query cannot read is parsed by DuckDB itself
// (json_serialize_sql) and its parse tree, as JSON, is converted to relq.
// json_serialize_sql only parses; it never binds or executes the SQL, so no
// catalog is needed and nothing is read. The database is in memory and
// locked down anyway.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver

	"github.com/iopsdata/iopsdata/internal/relq"
)

// errDuckNotSelect is returned for DuckDB-only statements other than
// queries: json_serialize_sql serializes SELECT statements only.
// errDuckSyntax wraps DuckDB's parse errors.
var errDuckSyntax = errors.New("DuckDB cannot parse this SQL either")

var errDuckNotSelect = errors.New("only SELECT queries in DuckDB syntax can be analyzed; other statements must be written in PostgreSQL syntax")

// duckParser parses SQL with DuckDB's own parser. It is safe for
// concurrent use.
type duckParser struct {
	db *sql.DB
	// Prepared once: planning is a good part of a call's cost.
	serializeStmt, deserializeStmt *sql.Stmt
	// template is the serialized statement of "SELECT 1": a complete
	// SELECT_NODE whose select list is swapped to have DuckDB print one
	// expression (json_deserialize_sql needs every property present).
	template map[string]any
}

// newDuckParser opens a private in-memory DuckDB with external access
// disabled and its configuration locked.
func newDuckParser(ctx context.Context) (*duckParser, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open DuckDB parser: %w", err)
	}
	// Both settings are global to the database instance, so every pooled
	// connection is locked down, not only the one running these.
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(2)
	for _, s := range []string{"SET enable_external_access=false", "SET lock_configuration=true"} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			return nil, fmt.Errorf("lock down DuckDB parser (%s): %w", s, err)
		}
	}
	p := &duckParser{db: db}
	if p.serializeStmt, err = db.PrepareContext(ctx, "SELECT json_serialize_sql($1::VARCHAR)::VARCHAR"); err != nil {
		db.Close()
		return nil, fmt.Errorf("DuckDB parser: %w", err)
	}
	// Zipped unnests keep each text with its index.
	if p.deserializeStmt, err = db.PrepareContext(ctx, `SELECT unnest(range(len(l))), json_deserialize_sql(unnest(l))
		FROM (SELECT from_json($1::VARCHAR, '["JSON"]') AS l)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("DuckDB parser: %w", err)
	}
	doc, err := p.serialize(ctx, "SELECT 1")
	if err != nil {
		db.Close()
		return nil, err
	}
	st, _ := doc.Statements[0].(map[string]any)
	if st == nil || duckObj(st["node"]) == nil {
		db.Close()
		return nil, errors.New("DuckDB parser: unexpected json_serialize_sql output for SELECT 1")
	}
	p.template = st
	return p, nil
}

func (p *duckParser) close() error {
	p.serializeStmt.Close()
	p.deserializeStmt.Close()
	return p.db.Close()
}

var duckShared struct {
	once sync.Once
	p    *duckParser
	err  error
}

// duckParse parses sql with a shared, lazily opened DuckDB parser. Only
// SELECT queries (with DuckDB's extensions: FROM-first, EXCLUDE/REPLACE,
// COLUMNS, QUALIFY, GROUP BY ALL, ASOF/POSITIONAL joins, ...) are
// accepted; each statement becomes a relq.Stmt of kind "select" (or
// "describe", "summarize", "show" for those, which carry no lineage).
func duckParse(ctx context.Context, sql string) ([]relq.Stmt, error) {
	duckShared.once.Do(func() {
		// The shared instance outlives the first caller's context.
		duckShared.p, duckShared.err = newDuckParser(context.Background())
	})
	if duckShared.err != nil {
		return nil, duckShared.err
	}
	return duckShared.p.parse(ctx, sql)
}

// duckDoc is json_serialize_sql's answer.
type duckDoc struct {
	Error        bool   `json:"error"`
	ErrorType    string `json:"error_type"`
	ErrorMessage string `json:"error_message"`
	Statements   []any  `json:"statements"`
}

func (p *duckParser) serialize(ctx context.Context, sqlText string) (*duckDoc, error) {
	var out string
	if err := p.serializeStmt.QueryRowContext(ctx, sqlText).Scan(&out); err != nil {
		return nil, fmt.Errorf("DuckDB parser: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber() // keep constants intact when expressions are sent back
	var doc duckDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("DuckDB parser: decode json_serialize_sql output: %w", err)
	}
	if doc.Error {
		if doc.ErrorType == "not implemented" && strings.Contains(doc.ErrorMessage, "Only SELECT") {
			if f := strings.Fields(sqlText); len(f) > 0 && strings.EqualFold(f[0], "PIVOT") {
				return nil, errors.New("PIVOT without an IN list cannot be analyzed: list the values (PIVOT t ON col IN (v1, v2) USING ...)")
			}
			return nil, errDuckNotSelect
		}
		return nil, fmt.Errorf("%w: %s", errDuckSyntax, doc.ErrorMessage)
	}
	return &doc, nil
}

// deserialize has DuckDB print each serialized statement back as SQL.
func (p *duckParser) deserialize(ctx context.Context, docs []any) ([]string, error) {
	in, err := json.Marshal(docs)
	if err != nil {
		return nil, err
	}
	rows, err := p.deserializeStmt.QueryContext(ctx, string(in))
	if err != nil {
		return nil, fmt.Errorf("DuckDB parser: print expressions: %w", err)
	}
	defer rows.Close()
	texts := make([]string, len(docs))
	n := 0
	for rows.Next() {
		var i int64
		var text string
		if err := rows.Scan(&i, &text); err != nil {
			return nil, fmt.Errorf("DuckDB parser: print expressions: %w", err)
		}
		if i < 0 || i >= int64(len(texts)) {
			return nil, fmt.Errorf("DuckDB parser: printed expression %d of %d", i, len(texts))
		}
		texts[i] = text
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("DuckDB parser: print expressions: %w", err)
	}
	if n != len(docs) {
		return nil, fmt.Errorf("DuckDB parser: printed %d expressions, want %d", n, len(docs))
	}
	return texts, nil
}

// parse converts every statement of sqlText.
func (p *duckParser) parse(ctx context.Context, sqlText string) ([]relq.Stmt, error) {
	doc, err := p.serialize(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	c := &duckConv{}
	stmts := make([]relq.Stmt, 0, len(doc.Statements))
	for _, s := range doc.Statements {
		st, err := c.stmt(duckObj(s))
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, st)
	}
	// One round trip prints the expressions whose output name DuckDB
	// derives from their text, and the statements of a script.
	var docs []any
	for _, pn := range c.pending {
		docs = append(docs, p.selectDoc(pn.expr))
	}
	if len(stmts) > 1 {
		for _, s := range doc.Statements {
			docs = append(docs, map[string]any{"error": false, "statements": []any{s}})
		}
	}
	if len(docs) > 0 {
		texts, err := p.deserialize(ctx, docs)
		if err != nil {
			return nil, err
		}
		for i, pn := range c.pending {
			pn.q.Targets[pn.i].Name = pn.prefix + strings.TrimPrefix(texts[i], "SELECT ")
		}
		if len(stmts) > 1 {
			for i := range stmts {
				stmts[i].Text = texts[len(c.pending)+i]
			}
		}
	}
	if len(stmts) == 1 {
		stmts[0].Text = sqlText
	}
	return stmts, nil
}

// selectDoc is a serialized "SELECT expr".
func (p *duckParser) selectDoc(expr map[string]any) map[string]any {
	st := make(map[string]any, len(p.template))
	for k, v := range p.template {
		st[k] = v
	}
	node := make(map[string]any)
	for k, v := range duckObj(p.template["node"]) {
		node[k] = v
	}
	node["select_list"] = []any{expr}
	st["node"] = node
	return map[string]any{"error": false, "statements": []any{st}}
}

// JSON helpers over encoding/json's generic values.

func duckObj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func duckArr(v any) []any          { a, _ := v.([]any); return a }
func duckStr(v any) string         { s, _ := v.(string); return s }
func duckTruthy(v any) bool        { b, _ := v.(bool); return b }

func duckStrs(v any) []string {
	var out []string
	for _, x := range duckArr(v) {
		out = append(out, duckStr(x))
	}
	return out
}

// duckIsExpr reports whether m is a parsed expression (it has a class).
func duckIsExpr(m map[string]any) bool { return m != nil && duckStr(m["class"]) != "" }

// duckPendingName is a target whose name DuckDB derives from its text.
type duckPendingName struct {
	q      *relq.Query
	i      int
	prefix string // put before the text (PIVOT column names)
	expr   map[string]any
}

// duckConv converts one json_serialize_sql document.
type duckConv struct {
	pending []duckPendingName
	lambdas [][]string // lambda parameters in scope, innermost last
}

func (c *duckConv) stmt(st map[string]any) (relq.Stmt, error) {
	node := duckObj(st["node"])
	if node == nil {
		return relq.Stmt{}, errors.New("DuckDB parser: statement without a query node")
	}
	// DESCRIBE, SUMMARIZE and SHOW arrive as SELECT * FROM <show ref>.
	if duckStr(node["type"]) == "SELECT_NODE" {
		if ft := duckObj(node["from_table"]); duckStr(ft["type"]) == "SHOW_REF" {
			kind := "show"
			switch duckStr(ft["show_type"]) {
			case "DESCRIBE":
				kind = "describe"
			case "SUMMARY":
				kind = "summarize"
			}
			return relq.Stmt{Kind: kind}, nil
		}
	}
	q, err := c.query(node)
	if err != nil {
		return relq.Stmt{}, err
	}
	return relq.Stmt{Kind: "select", Query: q}, nil
}

// query converts a query node.
func (c *duckConv) query(node map[string]any) (*relq.Query, error) {
	if node == nil {
		return nil, errors.New("DuckDB parser: missing query node")
	}
	with, err := c.with(duckObj(node["cte_map"]))
	if err != nil {
		return nil, err
	}
	var q *relq.Query
	switch t := duckStr(node["type"]); t {
	case "SELECT_NODE":
		q, err = c.selectNode(node)
	case "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE":
		q = &relq.Query{Op: relq.Union}
		if t == "SET_OPERATION_NODE" {
			switch op := duckStr(node["setop_type"]); op {
			case "UNION":
			case "UNION_BY_NAME":
				q.ByName = true
			case "EXCEPT":
				q.Op = relq.Except
			case "INTERSECT":
				q.Op = relq.Intersect
			default:
				return nil, fmt.Errorf("DuckDB set operation %s is not supported", op)
			}
		}
		if q.Left, err = c.query(duckObj(node["left"])); err != nil {
			return nil, err
		}
		if q.Right, err = c.query(duckObj(node["right"])); err != nil {
			return nil, err
		}
		// ORDER BY and LIMIT of a set operation refer to its output
		// columns only: nothing to add.
	default:
		return nil, fmt.Errorf("DuckDB query node %s is not supported", t)
	}
	if err != nil {
		return nil, err
	}
	q.With = with
	return q, nil
}

func (c *duckConv) with(cm map[string]any) (*relq.With, error) {
	entries := duckArr(cm["map"])
	if len(entries) == 0 {
		return nil, nil
	}
	w := &relq.With{}
	for _, e := range entries {
		e := duckObj(e)
		v := duckObj(e["value"])
		node := duckObj(duckObj(v["query"])["node"])
		if duckStr(node["type"]) == "RECURSIVE_CTE_NODE" {
			w.Recursive = true
		}
		q, err := c.query(node)
		if err != nil {
			return nil, err
		}
		w.CTEs = append(w.CTEs, relq.CTE{Name: duckStr(e["key"]), Columns: duckStrs(v["aliases"]), Query: q})
	}
	return w, nil
}

func (c *duckConv) selectNode(node map[string]any) (*relq.Query, error) {
	q := &relq.Query{}
	ft := duckObj(node["from_table"])
	sel := duckArr(node["select_list"])

	// VALUES arrives as SELECT * FROM <expression list>.
	if duckStr(ft["type"]) == "EXPRESSION_LIST" && len(sel) == 1 && duckIsPlainStar(duckObj(sel[0])) &&
		node["where_clause"] == nil && len(duckArr(node["modifiers"])) == 0 && len(duckArr(node["group_expressions"])) == 0 {
		return c.values(ft)
	}

	if ft != nil {
		f, err := c.from(q, ft, false)
		if err != nil {
			return nil, err
		}
		if f != nil {
			q.From = append(q.From, f)
		}
	}
	for _, s := range sel {
		if err := c.target(q, duckObj(s)); err != nil {
			return nil, err
		}
	}
	add := func(v any, role relq.Role) error {
		e := duckObj(v)
		if e == nil {
			return nil
		}
		var x relq.Expr
		if err := c.expr(e, role, &x); err != nil {
			return err
		}
		if !x.Empty() {
			q.Filters = append(q.Filters, x)
		}
		return nil
	}
	if err := add(node["where_clause"], relq.Filter); err != nil {
		return nil, err
	}
	for _, g := range duckArr(node["group_expressions"]) {
		if err := add(g, relq.GroupBy); err != nil {
			return nil, err
		}
	}
	if err := add(node["having"], relq.Filter); err != nil {
		return nil, err
	}
	if err := add(node["qualify"], relq.Filter); err != nil {
		return nil, err
	}
	for _, m := range duckArr(node["modifiers"]) {
		m := duckObj(m)
		switch duckStr(m["type"]) {
		case "ORDER_MODIFIER":
			for _, o := range duckArr(m["orders"]) {
				e := duckObj(duckObj(o)["expression"])
				if duckIsOrderAll(e) {
					if x := duckOrderAll(q); !x.Empty() {
						q.Filters = append(q.Filters, x)
					}
					continue
				}
				if err := add(e, relq.Sort); err != nil {
					return nil, err
				}
			}
		case "LIMIT_MODIFIER", "LIMIT_PERCENT_MODIFIER":
			if err := add(m["limit"], relq.Filter); err != nil {
				return nil, err
			}
			if err := add(m["offset"], relq.Filter); err != nil {
				return nil, err
			}
		case "DISTINCT_MODIFIER":
			for _, d := range duckArr(m["distinct_on_targets"]) {
				if err := add(d, relq.GroupBy); err != nil {
					return nil, err
				}
			}
		default:
			// Unknown modifiers: whatever expressions they hold choose rows.
			var x relq.Expr
			if err := c.walkRest(m, relq.Filter, &x); err != nil {
				return nil, err
			}
			if !x.Empty() {
				q.Filters = append(q.Filters, x)
			}
		}
	}
	return q, nil
}

func (c *duckConv) values(ft map[string]any) (*relq.Query, error) {
	q := &relq.Query{}
	for _, row := range duckArr(ft["values"]) {
		var r []relq.Expr
		for _, v := range duckArr(row) {
			var x relq.Expr
			if err := c.top(duckObj(v), &x); err != nil {
				return nil, err
			}
			r = append(r, x)
		}
		q.Values = append(q.Values, r)
	}
	return q, nil
}

func duckIsPlainStar(e map[string]any) bool {
	return duckStr(e["class"]) == "STAR" && duckStr(e["relation_name"]) == "" && !duckTruthy(e["columns"]) &&
		e["expr"] == nil && len(duckArr(e["exclude_list"])) == 0 && len(duckArr(e["replace_list"])) == 0 &&
		len(duckArr(e["qualified_exclude_list"])) == 0 && len(duckArr(e["rename_list"])) == 0
}

// duckIsOrderAll reports ORDER BY ALL, which DuckDB parses as COLUMNS(*).
func duckIsOrderAll(e map[string]any) bool {
	return duckStr(e["class"]) == "STAR" && duckTruthy(e["columns"]) && e["expr"] == nil && duckStr(e["relation_name"]) == ""
}

// duckOrderAll is ORDER BY ALL: every output column sorts.
func duckOrderAll(q *relq.Query) relq.Expr {
	var x relq.Expr
	for _, t := range q.Targets {
		if t.Star {
			x.Refs = append(x.Refs, relq.Ref{Name: t.Qualifier, Star: true, Role: relq.Sort})
			continue
		}
		for _, r := range t.Expr.Refs {
			r.Role = relq.Sort
			x.Refs = append(x.Refs, r)
		}
		for _, s := range t.Expr.Subs {
			s.Role = relq.Sort
			x.Subs = append(x.Subs, s)
		}
	}
	return x
}

// from converts a table reference. Filters that a join stands for
// (SEMI and ANTI joins) are added to q.
func (c *duckConv) from(q *relq.Query, t map[string]any, right bool) (*relq.From, error) {
	alias := duckStr(t["alias"])
	cols := duckStrs(t["column_name_alias"])
	switch typ := duckStr(t["type"]); typ {
	case "EMPTY", "":
		return nil, nil
	case "BASE_TABLE":
		var name relq.Name
		for _, k := range []string{"catalog_name", "schema_name", "table_name"} {
			if s := duckStr(t[k]); s != "" {
				name = append(name, s)
			}
		}
		return &relq.From{Kind: relq.FromTable, Table: name, Alias: alias, ColAliases: cols}, nil
	case "SUBQUERY":
		sub, err := c.query(duckObj(duckObj(t["subquery"])["node"]))
		if err != nil {
			return nil, err
		}
		return &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: alias, ColAliases: cols, Lateral: right}, nil
	case "EXPRESSION_LIST":
		sub, err := c.values(t)
		if err != nil {
			return nil, err
		}
		return &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: alias, ColAliases: cols}, nil
	case "TABLE_FUNCTION":
		fn := duckObj(t["function"])
		f := &relq.From{Kind: relq.FromFunction, Alias: alias, ColAliases: cols, Lateral: right}
		f.Funcs = []string{duckStr(fn["function_name"])}
		for _, a := range duckArr(fn["children"]) {
			a := duckObj(a)
			// name = value is a named parameter, as DuckDB binds it.
			if duckStr(a["type"]) == "COMPARE_EQUAL" && duckStr(duckObj(a["left"])["class"]) == "COLUMN_REF" &&
				len(duckArr(duckObj(a["left"])["column_names"])) == 1 {
				a = duckObj(a["right"])
			}
			var x relq.Expr
			if err := c.expr(a, relq.Transformation, &x); err != nil {
				return nil, err
			}
			f.Args = append(f.Args, x)
		}
		return f, nil
	case "JOIN":
		left, err := c.from(q, duckObj(t["left"]), right)
		if err != nil {
			return nil, err
		}
		r, err := c.from(q, duckObj(t["right"]), true)
		if err != nil {
			return nil, err
		}
		var on relq.Expr
		if cond := duckObj(t["condition"]); cond != nil {
			if err := c.expr(cond, relq.Join, &on); err != nil {
				return nil, err
			}
		}
		using := duckStrs(t["using_columns"])
		jt := strings.ToLower(duckStr(t["join_type"]))
		if jt == "outer" {
			jt = "full"
		}
		if jt == "semi" || jt == "anti" {
			// a SEMI JOIN b ON cond is a WHERE [NOT] EXISTS (SELECT FROM b
			// WHERE cond): b's columns are not output.
			sub := &relq.Query{From: []*relq.From{r}}
			for _, u := range using {
				on.Refs = append(on.Refs, relq.Ref{Name: relq.Name{u}, Role: relq.Join})
			}
			if !on.Empty() {
				sub.Filters = append(sub.Filters, on)
			}
			q.Filters = append(q.Filters, relq.Expr{Subs: []relq.Sub{{Query: sub, Kind: relq.SubExists, Role: relq.Join}}})
			return left, nil
		}
		f := &relq.From{Kind: relq.FromJoin, Left: left, Right: r, On: on, Using: using}
		switch rt := duckStr(t["ref_type"]); rt {
		case "CROSS":
			jt = "cross"
		case "POSITIONAL":
			jt = "positional"
		case "ASOF":
			jt = "asof"
		case "NATURAL":
			f.Natural = true
		case "REGULAR", "DEPENDENT", "":
		default:
			return nil, fmt.Errorf("DuckDB %s join is not supported", strings.ToLower(rt))
		}
		f.JoinType = jt
		return f, nil
	case "PIVOT":
		return c.pivot(t, right)
	case "SHOW_REF":
		return nil, errors.New("DESCRIBE, SHOW and SUMMARIZE inside a query are not supported in lineage")
	default:
		return nil, fmt.Errorf("DuckDB table reference %s is not supported", strings.ToLower(typ))
	}
}

// pivot converts PIVOT and UNPIVOT with explicit IN lists into the
// equivalent grouping (or unpivoting) subquery.
//
// PIVOT (agg FOR col IN (v1, v2) GROUP BY g) is
//
//	SELECT g, agg FILTER (WHERE col = v1) AS "v1", ... FROM source GROUP BY g
//
// (without GROUP BY, the source's other columns group: * EXCLUDE the
// columns the aggregates and pivot expressions use); the pivot column is a
// condition of each aggregate. UNPIVOT (val FOR name IN (a, b)) is
// SELECT * EXCLUDE (a, b), name, val where val's sources are a and b.
func (c *duckConv) pivot(t map[string]any, right bool) (*relq.From, error) {
	sub := &relq.Query{}
	src, err := c.from(sub, duckObj(t["source"]), false)
	if err != nil {
		return nil, err
	}
	if src != nil {
		sub.From = append(sub.From, src)
	}
	f := &relq.From{Kind: relq.FromSubquery, Query: sub, Alias: duckStr(t["alias"]), ColAliases: duckStrs(t["column_name_alias"]), Lateral: right}
	pivots := duckArr(t["pivots"])
	for _, pv := range pivots {
		for _, en := range duckArr(duckObj(pv)["entries"]) {
			if duckObj(en)["star_expr"] != nil || duckObj(en)["expr"] != nil {
				return nil, errors.New("PIVOT/UNPIVOT IN lists other than constants or column names are not supported in lineage")
			}
		}
		if len(duckArr(duckObj(pv)["entries"])) == 0 {
			return nil, errors.New("PIVOT/UNPIVOT without an IN list is not supported in lineage")
		}
	}
	if names := duckStrs(t["unpivot_names"]); len(names) > 0 {
		// UNPIVOT: one name column per pivot, then the value columns.
		if len(pivots) != 1 {
			return nil, errors.New("UNPIVOT with several name columns is not supported in lineage")
		}
		pv := duckObj(pivots[0])
		vals := make([]relq.Target, len(names))
		for i, n := range names {
			vals[i].Name = n
		}
		star := relq.Target{Star: true}
		for _, en := range duckArr(pv["entries"]) {
			ev := duckArr(duckObj(en)["values"])
			if len(ev) != len(names) {
				return nil, fmt.Errorf("UNPIVOT: %d columns for %d value names", len(ev), len(names))
			}
			for i, v := range ev {
				col, ok := duckObj(v)["value"].(string)
				if !ok {
					return nil, errors.New("UNPIVOT IN lists other than column names are not supported in lineage")
				}
				star.Exclude = append(star.Exclude, col)
				vals[i].Expr.Refs = append(vals[i].Expr.Refs, relq.Ref{Name: relq.Name{col}, Role: relq.Identity})
			}
		}
		sub.Targets = append(sub.Targets, star)
		for _, n := range duckStrs(pv["unpivot_names"]) {
			sub.Targets = append(sub.Targets, relq.Target{Name: n})
		}
		sub.Targets = append(sub.Targets, vals...)
		return f, nil
	}

	// PIVOT.
	aggs := duckArr(t["aggregates"])
	var used relq.Expr // everything the aggregates and pivots read
	var aggExprs []relq.Expr
	for _, a := range aggs {
		var x relq.Expr
		if err := c.expr(duckObj(a), relq.Transformation, &x); err != nil {
			return nil, err
		}
		aggExprs = append(aggExprs, x)
		used.Refs = append(used.Refs, x.Refs...)
	}
	var cond relq.Expr
	for _, pv := range pivots {
		for _, pe := range duckArr(duckObj(pv)["pivot_expressions"]) {
			if err := c.expr(duckObj(pe), relq.Conditional, &cond); err != nil {
				return nil, err
			}
		}
	}
	used.Refs = append(used.Refs, cond.Refs...)
	if groups := duckStrs(t["groups"]); len(groups) > 0 {
		var g relq.Expr
		for _, n := range groups {
			sub.Targets = append(sub.Targets, relq.Target{Name: n, Expr: relq.Expr{Refs: []relq.Ref{{Name: relq.Name{n}, Role: relq.Identity}}}})
			g.Refs = append(g.Refs, relq.Ref{Name: relq.Name{n}, Role: relq.GroupBy})
		}
		sub.Filters = append(sub.Filters, g)
	} else {
		star := relq.Target{Star: true}
		for _, r := range used.Refs {
			star.Exclude = append(star.Exclude, r.Name.Last())
		}
		sub.Targets = append(sub.Targets, star)
	}
	// Output columns: every combination of the pivots' entries, first
	// pivot outermost, times each aggregate.
	combos := []string{""}
	for _, pv := range pivots {
		var next []string
		for _, prefix := range combos {
			for _, en := range duckArr(duckObj(pv)["entries"]) {
				n, err := duckPivotEntryName(duckObj(en))
				if err != nil {
					return nil, err
				}
				if prefix != "" {
					n = prefix + "_" + n
				}
				next = append(next, n)
			}
		}
		combos = next
	}
	for _, combo := range combos {
		for i, a := range aggs {
			a := duckObj(a)
			x := relq.Expr{Subs: aggExprs[i].Subs, Windows: aggExprs[i].Windows}
			x.Refs = append(append(x.Refs, aggExprs[i].Refs...), cond.Refs...)
			t := relq.Target{Name: combo, Expr: x}
			switch {
			case duckStr(a["alias"]) != "":
				t.Name = combo + "_" + duckStr(a["alias"])
			case len(aggs) > 1:
				c.pending = append(c.pending, duckPendingName{q: sub, i: len(sub.Targets), prefix: combo + "_", expr: a})
			}
			sub.Targets = append(sub.Targets, t)
		}
	}
	return f, nil
}

// duckPivotEntryName is the column name part of one PIVOT IN entry: its
// alias, or its values joined by "_".
func duckPivotEntryName(en map[string]any) (string, error) {
	if a := duckStr(en["alias"]); a != "" {
		return a, nil
	}
	var parts []string
	for _, v := range duckArr(en["values"]) {
		v := duckObj(v)
		id := duckStr(duckObj(v["type"])["id"])
		switch x := v["value"].(type) {
		case nil:
			if duckTruthy(v["is_null"]) || id == "NULL" {
				parts = append(parts, "NULL")
				continue
			}
		case string:
			if id == "VARCHAR" {
				parts = append(parts, x)
				continue
			}
		case bool:
			parts = append(parts, fmt.Sprint(x))
			continue
		case json.Number:
			switch id {
			case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
				parts = append(parts, x.String())
				continue
			}
		}
		return "", fmt.Errorf("PIVOT IN value of type %s: give it a name (IN (value AS name)) to analyze lineage", strings.ToLower(id))
	}
	return strings.Join(parts, "_"), nil
}

// target converts one select list item and appends it to q.Targets.
func (c *duckConv) target(q *relq.Query, e map[string]any) error {
	if e == nil {
		return errors.New("DuckDB parser: empty select list item")
	}
	if duckStr(e["class"]) == "STAR" {
		t, err := c.star(e)
		if err != nil {
			return err
		}
		q.Targets = append(q.Targets, t)
		return nil
	}
	// * LIKE 'pattern', * SIMILAR TO 'regex', * GLOB 'pattern'.
	if duckStr(e["class"]) == "FUNCTION" {
		if ch := duckArr(e["children"]); len(ch) == 2 && duckStr(duckObj(ch[0])["class"]) == "STAR" && duckStarPatternFuncs[duckStr(e["function_name"])] {
			t, err := c.starPattern(e, duckObj(ch[0]), duckObj(ch[1]))
			if err != nil {
				return err
			}
			q.Targets = append(q.Targets, t)
			return nil
		}
	}
	var t relq.Target
	if err := c.top(e, &t.Expr); err != nil {
		return err
	}
	switch {
	case duckStr(e["alias"]) != "":
		t.Name = duckStr(e["alias"])
	case duckStr(e["class"]) == "COLUMN_REF":
		t.Name = relq.Name(duckStrs(e["column_names"])).Last()
	default:
		c.pending = append(c.pending, duckPendingName{q: q, i: len(q.Targets), expr: e})
	}
	q.Targets = append(q.Targets, t)
	return nil
}

// star converts *, t.*, COLUMNS(*), COLUMNS('regex') and COLUMNS([names])
// with their EXCLUDE and REPLACE lists.
func (c *duckConv) star(e map[string]any) (relq.Target, error) {
	t := relq.Target{Star: true}
	if r := duckStr(e["relation_name"]); r != "" {
		t.Qualifier = relq.Name{r}
	}
	if len(duckArr(e["rename_list"])) > 0 {
		return t, errors.New("* RENAME (...) is not supported in lineage")
	}
	t.Exclude = duckStrs(e["exclude_list"])
	for _, qe := range duckArr(e["qualified_exclude_list"]) {
		t.Exclude = append(t.Exclude, duckStr(duckObj(qe)["column"]))
	}
	for _, r := range duckArr(e["replace_list"]) {
		r := duckObj(r)
		rt := relq.Target{Name: duckStr(r["key"])}
		if err := c.top(duckObj(r["value"]), &rt.Expr); err != nil {
			return t, err
		}
		t.Replace = append(t.Replace, rt)
	}
	if !duckTruthy(e["columns"]) {
		return t, nil
	}
	if duckStr(e["alias"]) != "" {
		return t, errors.New("COLUMNS(...) AS name is not supported in lineage")
	}
	inner := duckObj(e["expr"])
	if inner == nil { // COLUMNS(*), COLUMNS(t.* EXCLUDE ...)
		return t, nil
	}
	switch duckStr(inner["class"]) {
	case "CONSTANT":
		v := duckObj(inner["value"])
		if s, ok := v["value"].(string); ok {
			if _, err := regexp.Compile(s); err != nil {
				return t, fmt.Errorf("COLUMNS(%q): the regular expression is not supported: %v", s, err)
			}
			t.Pattern = s
			return t, nil
		}
	case "STAR":
		it, err := c.star(inner)
		if err != nil {
			return t, err
		}
		it.Exclude = append(it.Exclude, t.Exclude...)
		it.Replace = append(it.Replace, t.Replace...)
		return it, nil
	case "FUNCTION":
		if strings.EqualFold(duckStr(inner["function_name"]), "list_value") {
			var alts []string
			for _, ch := range duckArr(inner["children"]) {
				s, ok := duckObj(duckObj(ch)["value"])["value"].(string)
				if !ok || duckStr(duckObj(ch)["class"]) != "CONSTANT" {
					return t, errors.New("COLUMNS([...]) with other than column names is not supported in lineage")
				}
				alts = append(alts, regexp.QuoteMeta(s))
			}
			t.Pattern = "^(?:" + strings.Join(alts, "|") + ")$"
			return t, nil
		}
	}
	return t, errors.New("COLUMNS(...) with a lambda or an expression is not supported in lineage; use COLUMNS('regex') or a column list")
}

// duckStarPatternFuncs are the operators DuckDB accepts after a star to
// choose columns by name (NOT LIKE is not among those supported).
var duckStarPatternFuncs = map[string]bool{"~~": true, "~~*": true, "~~~": true, "regexp_full_match": true, "!~~": true, "!~~*": true, "!~~~": true}

// starPattern converts * LIKE/ILIKE/GLOB/SIMILAR TO 'pattern'.
func (c *duckConv) starPattern(fn, star, pat map[string]any) (relq.Target, error) {
	t, err := c.star(star)
	if err != nil {
		return t, err
	}
	s, ok := duckObj(pat["value"])["value"].(string)
	name := duckStr(fn["function_name"])
	if !ok || duckStr(pat["class"]) != "CONSTANT" {
		return t, fmt.Errorf("* %s with a non-constant pattern is not supported in lineage", name)
	}
	switch name {
	case "~~":
		t.Pattern = duckLikeRegexp(s, false)
	case "~~*":
		t.Pattern = duckLikeRegexp(s, true)
	case "~~~":
		t.Pattern = duckGlobRegexp(s)
	case "regexp_full_match":
		t.Pattern = "^(?:" + s + ")$"
	default:
		return t, errors.New("* NOT LIKE / NOT GLOB 'pattern' is not supported in lineage")
	}
	if _, err := regexp.Compile(t.Pattern); err != nil {
		return t, fmt.Errorf("column pattern %q is not supported: %v", s, err)
	}
	return t, nil
}

// duckLikeRegexp turns a LIKE pattern (% _ and \ as escape) into an anchored
// regular expression.
func duckLikeRegexp(p string, fold bool) string {
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString("^(?s:")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return b.String()
}

// duckGlobRegexp turns a GLOB pattern (* ? [...]) into an anchored regular
// expression.
func duckGlobRegexp(p string) string {
	var b strings.Builder
	b.WriteString("^(?s:")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			cls := string(rs[i+1 : j])
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + cls + "]")
			i = j
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return b.String()
}

// top converts the whole expression of an output column: a bare column
// (or scalar subquery) is Identity, anything else Transformation.
func (c *duckConv) top(e map[string]any, out *relq.Expr) error {
	if e == nil {
		return nil
	}
	switch duckStr(e["class"]) {
	case "COLUMN_REF", "SUBQUERY":
		return c.expr(e, relq.Identity, out)
	}
	return c.expr(e, relq.Transformation, out)
}

// duckNest is the role of an operand of an expression in role r when the
// operand's own position asks for want. Outside the select list (filters,
// joins, grouping, sorting) every reference keeps the clause's role.
// CASE conditions and window keys stay so inside further expressions;
// aggregation wins over plain transformation.
func duckNest(r, want relq.Role) relq.Role {
	switch {
	case !r.Direct():
		return r
	case r == relq.Conditional || r == relq.Window:
		return r
	case r == relq.Aggregation && (want == relq.Transformation || want == relq.Identity):
		return r
	case want == relq.Identity:
		return relq.Transformation
	}
	return want
}

// expr collects the references and subqueries of e, in role r, into out.
// Known expression classes are handled by their fields; every other field
// that holds an expression is walked generically, so nothing is missed.
func (c *duckConv) expr(e map[string]any, r relq.Role, out *relq.Expr) error {
	if e == nil {
		return nil
	}
	switch cls := duckStr(e["class"]); cls {
	case "CONSTANT", "PARAMETER", "DEFAULT":
		return nil
	case "COLUMN_REF":
		name := relq.Name(duckStrs(e["column_names"]))
		if len(name) == 0 || c.isLambdaParam(name[0]) {
			return nil
		}
		out.Refs = append(out.Refs, relq.Ref{Name: name, Role: r})
		return nil
	case "STAR":
		if duckTruthy(e["columns"]) && r.Direct() {
			return errors.New("COLUMNS(...) or * inside an expression of the select list is not supported in lineage")
		}
		ref := relq.Ref{Star: true, Role: r}
		if q := duckStr(e["relation_name"]); q != "" {
			ref.Name = relq.Name{q}
		}
		out.Refs = append(out.Refs, ref)
		return nil
	case "POSITIONAL_REFERENCE":
		if r.Direct() {
			return errors.New("positional column references (#n) are not supported in lineage")
		}
		return nil
	case "FUNCTION":
		name := strings.ToLower(duckStr(e["function_name"]))
		orders := duckArr(duckObj(e["order_bys"])["orders"])
		agg := relq.IsAggregate(name) || duckTruthy(e["distinct"]) || e["filter"] != nil || len(orders) > 0
		argRole := duckNest(r, relq.Transformation)
		if agg {
			argRole = duckNest(r, relq.Aggregation)
		}
		for _, ch := range duckArr(e["children"]) {
			ch := duckObj(ch)
			if duckStr(ch["class"]) == "LAMBDA" && duckLambdaFuncs[name] {
				if err := c.lambda(ch, argRole, out); err != nil {
					return err
				}
				continue
			}
			if err := c.expr(ch, argRole, out); err != nil {
				return err
			}
		}
		for _, o := range orders {
			if err := c.expr(duckObj(duckObj(o)["expression"]), argRole, out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["filter"]), duckNest(r, relq.Conditional), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out, "children", "order_bys", "filter")
	case "CASE":
		for _, cc := range duckArr(e["case_checks"]) {
			cc := duckObj(cc)
			if err := c.expr(duckObj(cc["when_expr"]), duckNest(r, relq.Conditional), out); err != nil {
				return err
			}
			if err := c.expr(duckObj(cc["then_expr"]), duckNest(r, relq.Transformation), out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["else_expr"]), duckNest(r, relq.Transformation), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out, "case_checks", "else_expr")
	case "WINDOW":
		name := strings.ToLower(duckStr(e["function_name"]))
		argRole := duckNest(r, relq.Transformation)
		if duckStr(e["type"]) == "WINDOW_AGGREGATE" || relq.IsAggregate(name) {
			argRole = duckNest(r, relq.Aggregation)
		}
		for _, ch := range duckArr(e["children"]) {
			if err := c.expr(duckObj(ch), argRole, out); err != nil {
				return err
			}
		}
		for _, o := range duckArr(e["arg_orders"]) {
			if err := c.expr(duckObj(duckObj(o)["expression"]), argRole, out); err != nil {
				return err
			}
		}
		keyRole := duckNest(r, relq.Window)
		for _, p := range duckArr(e["partitions"]) {
			if err := c.expr(duckObj(p), keyRole, out); err != nil {
				return err
			}
		}
		for _, o := range duckArr(e["orders"]) {
			if err := c.expr(duckObj(duckObj(o)["expression"]), keyRole, out); err != nil {
				return err
			}
		}
		for _, k := range []string{"start_expr", "end_expr"} {
			if err := c.expr(duckObj(e[k]), keyRole, out); err != nil {
				return err
			}
		}
		if err := c.expr(duckObj(e["filter_expr"]), duckNest(r, relq.Conditional), out); err != nil {
			return err
		}
		return c.walkRest(e, duckNest(r, relq.Transformation), out,
			"children", "arg_orders", "partitions", "orders", "start_expr", "end_expr", "filter_expr")
	case "LAMBDA":
		// Not an argument of a lambda function: DuckDB binds x -> y as
		// the JSON operator, both sides are operands.
		return c.walkRest(e, duckNest(r, relq.Transformation), out)
	case "SUBQUERY":
		return c.subquery(e, r, out)
	default:
		// OPERATOR, COMPARISON, CONJUNCTION, CAST, COLLATE, BETWEEN and
		// anything newer: every operand is transformed.
		return c.walkRest(e, duckNest(r, relq.Transformation), out)
	}
}

// walkRest walks every field of e except skip, looking for expressions.
func (c *duckConv) walkRest(e map[string]any, r relq.Role, out *relq.Expr, skip ...string) error {
	// Fields in a fixed order, for stable output.
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := e[k]
		if k == "class" || k == "type" || k == "alias" || k == "query_location" {
			continue
		}
		skipped := false
		for _, s := range skip {
			if k == s {
				skipped = true
				break
			}
		}
		if skipped {
			continue
		}
		if err := c.walkAny(v, r, out); err != nil {
			return err
		}
	}
	return nil
}

func (c *duckConv) walkAny(v any, r relq.Role, out *relq.Expr) error {
	switch v := v.(type) {
	case map[string]any:
		if duckIsExpr(v) {
			return c.expr(v, r, out)
		}
		if node := duckObj(v["node"]); node != nil && duckStr(node["type"]) != "" {
			// A query where an expression field was expected: its rows
			// are only tested.
			sub, err := c.query(node)
			if err != nil {
				return err
			}
			out.Subs = append(out.Subs, relq.Sub{Query: sub, Kind: relq.SubExists, Role: r})
			return nil
		}
		if _, isValue := v["is_null"]; isValue {
			return nil // a constant Value
		}
		return c.walkRest(v, r, out)
	case []any:
		for _, x := range v {
			if err := c.walkAny(x, r, out); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *duckConv) subquery(e map[string]any, r relq.Role, out *relq.Expr) error {
	node := duckObj(duckObj(e["subquery"])["node"])
	kind := relq.SubExists
	switch duckStr(e["subquery_type"]) {
	case "SCALAR":
		kind = relq.SubScalar
		// ARRAY(SELECT ...) arrives rewritten as a scalar subquery
		// aggregating the first column of the original one.
		if inner := duckArrayInner(node); inner != nil {
			node, kind = inner, relq.SubArray
		}
	case "EXISTS", "NOT_EXISTS", "ANY":
	default:
		return fmt.Errorf("DuckDB %s subquery is not supported", strings.ToLower(duckStr(e["subquery_type"])))
	}
	q, err := c.query(node)
	if err != nil {
		return err
	}
	role := r
	if kind == relq.SubExists {
		role = duckNest(r, relq.Transformation)
	}
	out.Subs = append(out.Subs, relq.Sub{Query: q, Kind: kind, Role: role})
	return c.expr(duckObj(e["child"]), duckNest(r, relq.Transformation), out)
}

// duckArrayInner recognizes DuckDB's rewrite of ARRAY(subquery):
//
//	SELECT CASE WHEN array_agg(#1) IS NULL THEN [] ELSE array_agg(#1) END FROM (subquery)
//
// and returns the subquery's node.
func duckArrayInner(node map[string]any) map[string]any {
	if duckStr(node["type"]) != "SELECT_NODE" {
		return nil
	}
	sel := duckArr(node["select_list"])
	ft := duckObj(node["from_table"])
	if len(sel) != 1 || duckStr(ft["type"]) != "SUBQUERY" || duckStr(ft["alias"]) != "" {
		return nil
	}
	ce := duckObj(sel[0])
	if duckStr(ce["class"]) != "CASE" {
		return nil
	}
	el := duckObj(ce["else_expr"])
	ch := duckArr(el["children"])
	if duckStr(el["function_name"]) != "array_agg" || len(ch) != 1 || duckStr(duckObj(ch[0])["class"]) != "POSITIONAL_REFERENCE" {
		return nil
	}
	return duckObj(duckObj(ft["subquery"])["node"])
}

// duckLambdaFuncs are DuckDB's functions taking a lambda; elsewhere
// x -> y is the JSON extraction operator.
var duckLambdaFuncs = map[string]bool{
	"list_transform": true, "array_transform": true, "list_apply": true, "array_apply": true, "apply": true,
	"list_filter": true, "array_filter": true, "filter": true,
	"list_reduce": true, "array_reduce": true, "reduce": true,
}

// lambda walks the body of a lambda argument: references to its
// parameters are not columns.
func (c *duckConv) lambda(e map[string]any, r relq.Role, out *relq.Expr) error {
	c.lambdas = append(c.lambdas, duckLambdaParams(duckObj(e["lhs"])))
	err := c.expr(duckObj(e["expr"]), duckNest(r, relq.Transformation), out)
	c.lambdas = c.lambdas[:len(c.lambdas)-1]
	if err != nil {
		return err
	}
	return c.walkRest(e, duckNest(r, relq.Transformation), out, "lhs", "expr")
}

// duckLambdaParams are the names a lambda's left side binds: x -> ..., or
// (x, y) -> ... which arrives as row(x, y).
func duckLambdaParams(lhs map[string]any) []string {
	switch duckStr(lhs["class"]) {
	case "COLUMN_REF":
		if n := duckStrs(lhs["column_names"]); len(n) > 0 {
			return []string{n[len(n)-1]}
		}
	case "FUNCTION":
		var ps []string
		for _, ch := range duckArr(lhs["children"]) {
			ps = append(ps, duckLambdaParams(duckObj(ch))...)
		}
		return ps
	}
	return nil
}

func (c *duckConv) isLambdaParam(name string) bool {
	for i := len(c.lambdas) - 1; i >= 0; i-- {
		for _, p := range c.lambdas[i] {
			if p == name {
				return true
			}
		}
	}
	return false
}
