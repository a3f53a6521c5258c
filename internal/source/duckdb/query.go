package duckdb

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// column is one result column as the original statement describes it.
type column struct {
	name    string
	typ     string
	info    duckdb.TypeInfo // nil when DuckDB cannot describe the type
	rawJSON bool            // the capped query returns this JSON column as text
}

// Query runs exactly one SELECT-like or EXPLAIN statement and returns at
// most lim.MaxRows rows and about lim.MaxBytes of JSON, with Truncated set
// exactly. The statement runs under lim.Timeout (or the default); a done
// ctx interrupts it inside DuckDB.
func (s *Source) Query(ctx context.Context, sqlText string, lim source.Limits, args ...any) (*source.Result, error) {
	lim = s.limits(lim)
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	res, err := s.query(ctx, sqlText, lim, args)
	if err != nil {
		return nil, s.queryFailed(ctx, lim, err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func (s *Source) limits(lim source.Limits) source.Limits {
	if lim.MaxRows <= 0 || lim.MaxRows > s.cfg.MaxRowsCap {
		lim.MaxRows = s.cfg.MaxRowsCap
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if lim.Timeout <= 0 {
		lim.Timeout = s.cfg.DefaultTimeout
	}
	return lim
}

func (s *Source) queryFailed(ctx context.Context, lim source.Limits, err error) error {
	err = queryError(ctx, err)
	var se *source.Error
	if errors.As(err, &se) && se.Kind == source.KindTimeout {
		se.Message = fmt.Sprintf("statement timed out after %s", lim.Timeout)
	}
	s.cfg.Logger.DebugContext(ctx, "duckdb query failed", "kind", source.KindOf(err), "err", err)
	return err
}

// query holds one pooled connection for the whole call: the driver
// connection is used directly so that counting statements, preparing and
// running happen on the same connection. On a read-write file all of it
// happens inside a READ ONLY transaction.
func (s *Source) query(ctx context.Context, sqlText string, lim source.Limits, args []any) (*source.Result, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var res *source.Result
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		run := func() error {
			var err error
			res, err = s.run(ctx, c, sqlText, lim, args)
			return err
		}
		if s.cfg.ReadWrite {
			return inReadOnlyTx(ctx, c, run)
		}
		return run()
	})
	return res, err
}

func (s *Source) run(ctx context.Context, c *duckdb.Conn, sqlText string, lim source.Limits, args []any) (*source.Result, error) {
	if strings.ContainsRune(sqlText, 0) {
		return nil, &source.Error{Kind: source.KindSyntax, Message: "the statement contains a NUL byte"}
	}
	if err := checkFunctions(ctx, c, sqlText); err != nil {
		return nil, err
	}
	stmt, err := prepareOne(c, sqlText)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	kind, err := stmt.StatementType()
	if err != nil {
		return nil, err
	}
	if err := checkStatementType(kind, s.cfg.ReadWrite); err != nil {
		return nil, err
	}
	if n := stmt.NumInput(); n > len(args) {
		return nil, &source.Error{Kind: source.KindSyntax, Message: fmt.Sprintf(
			"the statement has %d parameter placeholders ($1, ?) but %d values were given", n, len(args))}
	}
	cols := s.columns(stmt)
	capped := len(args) == 0 && kind == duckdb.STATEMENT_TYPE_SELECT
	rows, done, err := s.execute(ctx, c, stmt, sqlText, cols, lim, capped, args)
	if err != nil {
		return nil, err
	}
	defer done()
	return s.readRows(rows, cols, lim)
}

// prepareOne prepares sqlText if it is exactly one statement. duckdb-go's
// context-free Prepare extracts the statements first and refuses more than
// one without running any (PrepareContext would run all but the last).
func prepareOne(c *duckdb.Conn, sqlText string) (*duckdb.Stmt, error) {
	st, err := c.Prepare(sqlText)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "missing context for multi-statement query"):
			e := &source.Error{Kind: source.KindUnsupported, Err: err,
				Message: "one statement per call; send them separately"}
			if strings.Contains(strings.ToLower(sqlText), "pivot") {
				e.Hint = "a PIVOT without an IN list expands to several statements; list the values: PIVOT ... ON col IN (...)"
			}
			return nil, e
		case strings.Contains(msg, "empty query"):
			return nil, &source.Error{Kind: source.KindSyntax, Err: err,
				Message: "empty statement: send one SQL statement"}
		}
		return nil, err
	}
	stmt, ok := st.(*duckdb.Stmt)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("unexpected statement type %T", st)
	}
	return stmt, nil
}

// columns describes the original statement's result: names as the user
// wrote them (the capped wrapper renames duplicates) and DuckDB types.
func (s *Source) columns(stmt *duckdb.Stmt) []column {
	n, err := stmt.ColumnCount()
	if err != nil {
		return nil
	}
	cols := make([]column, n)
	for i := range cols {
		cols[i].name, _ = stmt.ColumnName(i)
		if info, err := stmt.ColumnTypeInfo(i); err == nil && info.InternalType() != duckdb.TYPE_INVALID {
			cols[i].info = info
			cols[i].typ = s.typeName(info)
		}
	}
	return cols
}

// execute runs the statement. A SELECT without arguments runs inside
// "SELECT * FROM query('<statement>') LIMIT <MaxRows+1>": duckdb-go
// materialises a result before the first row can be read, so the LIMIT is
// what stops DuckDB early. If DuckDB cannot prepare the wrapper, the
// statement runs as written (still bounded by the timeout and memory_limit).
func (s *Source) execute(ctx context.Context, c *duckdb.Conn, stmt *duckdb.Stmt, sqlText string,
	cols []column, lim source.Limits, capped bool, args []any) (driver.Rows, func(), error) {
	if capped {
		ws, err := prepareCapped(c, sqlText, cols, lim.MaxRows+1)
		if err == nil {
			rows, err := ws.QueryContext(ctx, nil)
			if err != nil {
				ws.Close()
				return nil, nil, err
			}
			return rows, func() { rows.Close(); ws.Close() }, nil
		}
		for i := range cols {
			cols[i].rawJSON = false
		}
		s.cfg.Logger.DebugContext(ctx, "duckdb: statement runs without a row limit", "reason", err)
	}
	rows, err := stmt.QueryContext(ctx, namedArgs(args))
	if err != nil {
		return nil, nil, err
	}
	return rows, func() { rows.Close() }, nil
}

// prepareCapped prepares the LIMIT wrapper around sqlText, which goes in as
// one quoted string literal. JSON columns are cast to text there, because
// duckdb-go would decode them into float64s and unordered maps; the cast
// uses the wrapper's own column names, which query() deduplicates.
func prepareCapped(c *duckdb.Conn, sqlText string, cols []column, limit int) (*duckdb.Stmt, error) {
	from := " FROM query(" + quoteString(sqlText) + ") LIMIT " + strconv.Itoa(limit)
	ws, err := prepareOne(c, "SELECT *"+from)
	if err != nil {
		return nil, err
	}
	if n, err := ws.ColumnCount(); err != nil || n != len(cols) {
		return ws, nil
	}
	var replace []string
	for i, col := range cols {
		if col.info == nil || col.info.Alias() != "JSON" {
			continue
		}
		name, err := ws.ColumnName(i)
		if err != nil {
			break
		}
		q := quoteIdent(name)
		replace = append(replace, "CAST("+q+" AS VARCHAR) AS "+q)
		cols[i].rawJSON = true
	}
	if len(replace) == 0 {
		return ws, nil
	}
	ws.Close()
	if rs, err := prepareOne(c, "SELECT * REPLACE ("+strings.Join(replace, ", ")+")"+from); err == nil {
		return rs, nil
	}
	for i := range cols {
		cols[i].rawJSON = false
	}
	return prepareOne(c, "SELECT *"+from)
}

func namedArgs(args []any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		if na, ok := a.(sql.NamedArg); ok {
			out[i].Name, out[i].Value = na.Name, na.Value
		}
	}
	return out
}

// readRows reads and encodes rows until the result ends, MaxRows rows are
// in and one more exists, or the next row would take the JSON size of the
// rows past MaxBytes. Bytes counts the rows as one JSON array of arrays.
func (s *Source) readRows(rows driver.Rows, cols []column, lim source.Limits) (*source.Result, error) {
	cols = resultColumns(rows, cols)
	res := &source.Result{Columns: make([]source.Column, len(cols)), Rows: [][]any{}, Bytes: len("[]")}
	for i, c := range cols {
		res.Columns[i] = source.Column{Name: c.name, Type: c.typ}
	}
	var m rowSizer
	dst := make([]driver.Value, len(cols))
	for {
		if err := rows.Next(dst); errors.Is(err, io.EOF) {
			return res, nil
		} else if err != nil {
			return nil, err
		}
		if len(res.Rows) == lim.MaxRows {
			res.Truncated, res.TruncatedBy = true, source.TruncatedRows
			return res, nil
		}
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = encodeColumn(dst[i], c)
		}
		n, err := m.size(row, len(res.Rows) > 0)
		if err != nil {
			return nil, err
		}
		if res.Bytes+n > lim.MaxBytes {
			res.Truncated, res.TruncatedBy = true, source.TruncatedBytes
			return res, nil
		}
		res.Bytes += n
		res.Rows = append(res.Rows, row)
	}
}

// rowSizer measures a row's JSON the way json.Marshal writes it (with
// HTML escaping), reusing one buffer.
type rowSizer struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// size returns the bytes row adds to the JSON array, with its comma.
func (m *rowSizer) size(row []any, comma bool) (int, error) {
	if m.enc == nil {
		m.enc = json.NewEncoder(&m.buf)
	}
	m.buf.Reset()
	if err := m.enc.Encode(row); err != nil {
		return 0, err
	}
	n := m.buf.Len() - 1 // Encode adds a newline
	if comma {
		n++
	}
	return n, nil
}

func encodeColumn(v driver.Value, c column) any {
	if c.rawJSON && v != nil {
		return encodeRawJSON(v)
	}
	return encodeValue(v, c.info)
}

// resultColumns reconciles the prepared statement's description with the
// rows: when they disagree (a type DuckDB could only resolve at execution)
// the rows' names and type names are used and values are encoded by Go type.
func resultColumns(rows driver.Rows, cols []column) []column {
	names := rows.Columns()
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	if len(names) != len(cols) {
		cols = make([]column, len(names))
		for i := range cols {
			cols[i].name = names[i]
		}
	}
	for i := range cols {
		if cols[i].typ == "" && typed != nil {
			cols[i].typ = typed.ColumnTypeDatabaseTypeName(i)
			cols[i].info = nil
		}
	}
	return cols
}
