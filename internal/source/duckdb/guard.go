package duckdb

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// deniedFunctions are table functions that a SELECT can call but that act
// beyond the statement: they change instance-wide state that
// lock_configuration does not cover (enable_logging(storage='stdout') writes
// every later query to stdout, which is the MCP stream in stdio mode), or
// run SQL given as a string, which hides what the statement does.
var deniedFunctions = []string{
	"enable_logging", "disable_logging", "truncate_duckdb_logs",
	"enable_profiling", "disable_profiling",
	"enable_peg_parser", "disable_peg_parser", "check_peg_parser",
	"checkpoint", "force_checkpoint",
	"query", "query_table", "json_execute_serialized_sql",
	"arrow_scan", "arrow_scan_dumb", // read Arrow streams at raw pointers
}

// checkFunctions refuses sqlText when it calls a denied function. A cheap
// textual test comes first: a call needs the name followed by "(", so most
// statements never reach DuckDB's parser here. When such a call appears,
// DuckDB's json_serialize_sql parses the text (without binding or running
// it) and the tree's function names decide. A statement the serializer
// cannot represent (it handles SELECT only, not EXPLAIN) is refused.
func checkFunctions(ctx context.Context, conn driver.QueryerContext, sqlText string) error {
	mentioned := mentionedCalls(sqlText)
	if len(mentioned) == 0 {
		return nil
	}
	tree, err := serializeSQL(ctx, conn, sqlText)
	if err != nil {
		return err
	}
	if tree.Error {
		if tree.ErrorType == "parser" {
			return nil // Prepare reports the syntax error; nothing can run
		}
		return deniedError(mentioned[0])
	}
	var called []string
	collectFunctions(tree.Statements, &called)
	for _, f := range called {
		for _, d := range deniedFunctions {
			if strings.EqualFold(f, d) {
				return deniedError(d)
			}
		}
	}
	return nil
}

// mentionedCalls returns the denied names that appear in sqlText followed
// by "(", allowing a closing quote, blanks and comments in between.
func mentionedCalls(sqlText string) []string {
	lower := strings.ToLower(sqlText)
	var out []string
	for _, f := range deniedFunctions {
		for i := 0; ; {
			j := strings.Index(lower[i:], f)
			if j < 0 {
				break
			}
			i += j + len(f)
			if strings.HasPrefix(skipToCall(lower[i:]), "(") {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// skipToCall drops a closing identifier quote, blanks and comments.
func skipToCall(s string) string {
	s = strings.TrimPrefix(s, `"`)
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i:]
				continue
			}
			return ""
		case strings.HasPrefix(s, "/*"):
			if i := strings.Index(s, "*/"); i >= 0 {
				s = s[i+2:]
				continue
			}
			return ""
		}
		return s
	}
}

type serializedSQL struct {
	Error      bool   `json:"error"`
	ErrorType  string `json:"error_type"`
	Statements any    `json:"statements"`
}

func serializeSQL(ctx context.Context, conn driver.QueryerContext, sqlText string) (*serializedSQL, error) {
	rows, err := conn.QueryContext(ctx, "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR",
		[]driver.NamedValue{{Ordinal: 1, Value: sqlText}})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	text, _ := vals[0].(string)
	var tree serializedSQL
	if err := json.Unmarshal([]byte(text), &tree); err != nil {
		return nil, fmt.Errorf("parse serialized SQL: %w", err)
	}
	return &tree, nil
}

// collectFunctions gathers every "function_name" in the serialized tree:
// scalar, aggregate and table functions alike.
func collectFunctions(node any, out *[]string) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if name, ok := v.(string); ok && k == "function_name" {
				*out = append(*out, name)
				continue
			}
			collectFunctions(v, out)
		}
	case []any:
		for _, v := range n {
			collectFunctions(v, out)
		}
	}
}

func deniedError(name string) error {
	return &source.Error{Kind: source.KindUnsupported,
		Message: fmt.Sprintf("%s() is not allowed here: it changes server state or runs SQL given as text", name)}
}

// checkStatementType lets SELECT-like statements (including DESCRIBE, SHOW,
// SUMMARIZE and PRAGMAs that return rows) and EXPLAIN through. Writes are
// KindReadOnly (on a writable file too: they go through Write); SET,
// PRAGMA, CALL, ATTACH, LOAD and the rest KindUnsupported.
func checkStatementType(t duckdb.StmtType, writable bool) error {
	switch t {
	case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN:
		return nil
	}
	name := statementNames[t]
	if name == "" {
		name = "this kind of"
	}
	if writeStatements[t] && writable {
		return &source.Error{Kind: source.KindReadOnly,
			Message: fmt.Sprintf("%s statements do not run as queries: send them as a confirmed write", name)}
	}
	if writeStatements[t] {
		return &source.Error{Kind: source.KindReadOnly,
			Message: fmt.Sprintf("%s statements are not allowed: this DuckDB connection is read-only", name)}
	}
	return &source.Error{Kind: source.KindUnsupported,
		Message: fmt.Sprintf("%s statements are not allowed; send a SELECT (or EXPLAIN)", name),
		Hint:    "table functions such as pragma_table_info('t') can be queried with SELECT * FROM ..."}
}

var writeStatements = map[duckdb.StmtType]bool{
	duckdb.STATEMENT_TYPE_INSERT: true, duckdb.STATEMENT_TYPE_UPDATE: true,
	duckdb.STATEMENT_TYPE_DELETE: true, duckdb.STATEMENT_TYPE_CREATE: true,
	duckdb.STATEMENT_TYPE_CREATE_FUNC: true, duckdb.STATEMENT_TYPE_ALTER: true,
	duckdb.STATEMENT_TYPE_DROP: true, duckdb.STATEMENT_TYPE_COPY: true,
	duckdb.STATEMENT_TYPE_ANALYZE: true, duckdb.STATEMENT_TYPE_VACUUM: true,
	duckdb.STATEMENT_TYPE_EXPORT: true, stmtMergeInto: true,
}

var statementNames = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE",
	duckdb.STATEMENT_TYPE_DELETE: "DELETE", duckdb.STATEMENT_TYPE_CREATE: "CREATE",
	duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE FUNCTION", duckdb.STATEMENT_TYPE_ALTER: "ALTER",
	duckdb.STATEMENT_TYPE_DROP: "DROP", duckdb.STATEMENT_TYPE_COPY: "COPY",
	duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE", duckdb.STATEMENT_TYPE_VACUUM: "VACUUM",
	duckdb.STATEMENT_TYPE_EXPORT: "EXPORT", duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA",
	duckdb.STATEMENT_TYPE_CALL: "CALL", duckdb.STATEMENT_TYPE_SET: "SET",
	duckdb.STATEMENT_TYPE_VARIABLE_SET: "SET VARIABLE", duckdb.STATEMENT_TYPE_LOAD: "LOAD/INSTALL",
	duckdb.STATEMENT_TYPE_ATTACH: "ATTACH", duckdb.STATEMENT_TYPE_DETACH: "DETACH",
	duckdb.STATEMENT_TYPE_TRANSACTION: "transaction", duckdb.STATEMENT_TYPE_PREPARE: "PREPARE",
	duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE", duckdb.STATEMENT_TYPE_EXTENSION: "extension",
	stmtMergeInto: "MERGE",
}
