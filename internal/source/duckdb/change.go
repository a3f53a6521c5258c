package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// readChange describes the executed statement from its result: the count
// row of DML, or its RETURNING rows (capped by lim, all counted); for DDL
// the row count DuckDB reports for CREATE TABLE ... AS, and -1 otherwise.
func (s *Source) readChange(rows driver.Rows, w preparedWrite, lim source.Limits) (source.Change, error) {
	if w.returning {
		res, n, err := s.readReturning(rows, w.cols, lim)
		if err != nil {
			return source.Change{}, err
		}
		return source.Change{Tag: fmt.Sprintf("%s %d", dmlTag(w.kind), n), RowsAffected: n, Returning: res}, nil
	}
	n, err := readCount(rows)
	if err != nil {
		return source.Change{}, err
	}
	if w.plan.ddl != "" {
		return source.Change{Tag: w.plan.ddl, RowsAffected: n}, nil
	}
	return source.Change{Tag: fmt.Sprintf("%s %d", dmlTag(w.kind), max(n, 0)), RowsAffected: n}, nil
}

// readCount reads the single "Count" value DuckDB returns for DML (and
// for CREATE TABLE ... AS); -1 when the result has none.
func readCount(rows driver.Rows) (int64, error) {
	if cols := rows.Columns(); len(cols) != 1 || cols[0] != "Count" {
		return -1, nil
	}
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); errors.Is(err, io.EOF) {
		return -1, nil
	} else if err != nil {
		return 0, err
	}
	if n, ok := vals[0].(int64); ok {
		return n, nil
	}
	return -1, nil
}

// readReturning keeps the rows Query would return under lim and counts
// the rest, which the statement has already written.
func (s *Source) readReturning(rows driver.Rows, cols []column, lim source.Limits) (*source.Result, int64, error) {
	res, err := s.readRows(rows, cols, lim)
	if err != nil {
		return nil, 0, err
	}
	n := int64(len(res.Rows))
	if !res.Truncated {
		return res, n, nil
	}
	n++ // the row that stopped readRows
	dst := make([]driver.Value, len(res.Columns))
	for {
		if err := rows.Next(dst); errors.Is(err, io.EOF) {
			return res, n, nil
		} else if err != nil {
			return nil, 0, err
		}
		n++
	}
}

// commit ends the transaction with COMMIT. A failed COMMIT (a write-write
// conflict with another connection, say) leaves nothing committed.
func commit(ctx context.Context, c *duckdb.Conn, change source.Change) (writeOutcome, error) {
	err := execSQL(context.WithoutCancel(ctx), c, "COMMIT")
	if err == nil {
		return writeOutcome{change: change, committed: true}, nil
	}
	out := writeOutcome{change: change, err: queryError(context.WithoutCancel(ctx), err)}
	if rerr := rollback(ctx, c); rerr != nil && !strings.Contains(rerr.Error(), "no transaction is active") {
		return out, rerr
	}
	return out, nil
}

// rollback ends the open transaction even when ctx is done. Its error
// wraps driver.ErrBadConn so that the connection is discarded.
func rollback(ctx context.Context, c *duckdb.Conn) error {
	if err := execSQL(context.WithoutCancel(ctx), c, "ROLLBACK"); err != nil {
		return fmt.Errorf("%w: rollback: %w", driver.ErrBadConn, err)
	}
	return nil
}

// inReadOnlyTx runs f inside BEGIN TRANSACTION READ ONLY and rolls back:
// on a read-write file this is what keeps a query from writing (nextval,
// for one, is a SELECT that changes a sequence).
func inReadOnlyTx(ctx context.Context, c *duckdb.Conn, f func() error) error {
	if err := execSQL(ctx, c, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return err
	}
	err := f()
	if rerr := rollback(ctx, c); rerr != nil {
		return rerr
	}
	return err
}

func execSQL(ctx context.Context, c *duckdb.Conn, q string) error {
	_, err := c.ExecContext(ctx, q, nil)
	return err
}

// catalogGuardSQL fingerprints what DDL writes must leave alone: user
// macros and functions, and temporary tables, views and sequences.
const catalogGuardSQL = `SELECT
  (SELECT count(*)::VARCHAR || '/' || coalesce(sum(hash(database_name, schema_name, function_name,
     function_type, macro_definition, parameters::VARCHAR))::VARCHAR, '')
   FROM duckdb_functions() WHERE NOT internal) || '|' ||
  (SELECT count(*) FROM duckdb_tables() WHERE temporary)::VARCHAR || '|' ||
  (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal)::VARCHAR || '|' ||
  (SELECT count(*) FROM duckdb_sequences() WHERE temporary)::VARCHAR`

// catalogGuard is a second layer behind planWrite's reading of the leading
// words: whatever those words say, a DDL statement that changed a macro or
// made a temporary object is refused.
func catalogGuard(ctx context.Context, c *duckdb.Conn) (string, error) {
	rows, err := c.QueryContext(ctx, catalogGuardSQL, nil)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); err != nil {
		return "", err
	}
	return fmt.Sprint(vals[0]), nil
}
