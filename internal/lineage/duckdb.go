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
