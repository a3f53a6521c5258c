package duckdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// maxPendingWrites bounds the writes of one Source that hold a pooled
// connection at the same time (most of them waiting for confirmation), so
// that queries always find a connection.
const maxPendingWrites = 4

var _ source.Writer = (*Source)(nil)

// writeOutcome is what one Write did on its connection.
type writeOutcome struct {
	change    source.Change
	committed bool
	err       error
}

// Write runs exactly one INSERT, UPDATE, DELETE, TRUNCATE, MERGE, or CREATE,
// ALTER, DROP or COMMENT ON of a table, view, schema, index, sequence or
// type, in a transaction of its own. While the transaction is open it asks
// confirm, with the caller's ctx, and commits only when confirm returns
// true; it rolls back when confirm says no or fails, when ctx is done, and
// on any error. committed is true only after a successful COMMIT.
//
// The statement runs under lim.Timeout like a query; rows of a RETURNING
// clause are capped by lim and encoded like query rows. A Source opened
// without Config.ReadWrite refuses with KindReadOnly.
func (s *Source) Write(ctx context.Context, sqlText string, lim source.Limits, confirm source.Confirm) (source.Change, bool, error) {
	if !s.cfg.ReadWrite {
		return source.Change{}, false, &source.Error{Kind: source.KindReadOnly,
			Message: "this connection is read-only"}
	}
	if confirm == nil {
		return source.Change{}, false, errors.New("duckdb: Write needs a confirm function")
	}
	lim = s.limits(lim)
	select {
	case s.writeSlots <- struct{}{}:
		defer func() { <-s.writeSlots }()
	case <-ctx.Done():
		return source.Change{}, false, queryError(ctx, ctx.Err())
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return source.Change{}, false, queryError(ctx, err)
	}
	defer conn.Close()
	var out writeOutcome
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var broken error
		out, broken = s.write(ctx, c, sqlText, lim, confirm)
		return broken // a connection whose transaction did not end is discarded
	})
	if err != nil && out.err == nil {
		out.err = err
	}
	if out.err != nil {
		s.cfg.Logger.DebugContext(ctx, "duckdb write failed", "kind", source.KindOf(out.err),
			"committed", out.committed, "err", out.err)
	}
	return out.change, out.committed, out.err
}

// write checks, runs and settles one statement on c. The second result
// wraps driver.ErrBadConn when the transaction could not be ended.
func (s *Source) write(ctx context.Context, c *duckdb.Conn, sqlText string, lim source.Limits,
	confirm source.Confirm) (writeOutcome, error) {
	stmtCtx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	w, stmt, err := s.prepareWrite(stmtCtx, c, sqlText)
	if err != nil {
		return writeOutcome{err: s.queryFailed(stmtCtx, lim, err)}, nil
	}
	defer stmt.Close()
	if err := execSQL(stmtCtx, c, "BEGIN TRANSACTION"); err != nil {
		return writeOutcome{err: s.queryFailed(stmtCtx, lim, err)}, nil
	}
	change, err := s.runWrite(stmtCtx, c, stmt, w, lim)
	if err != nil {
		return abort(ctx, c, source.Change{}, s.queryFailed(stmtCtx, lim, err))
	}
	if ctx.Err() != nil {
		return abort(ctx, c, change, unconfirmed(ctx, nil))
	}
	ok, err := confirm(ctx, change)
	switch {
	case ctx.Err() != nil:
		return abort(ctx, c, change, unconfirmed(ctx, err))
	case err != nil:
		return abort(ctx, c, change, err)
	case !ok:
		return abort(ctx, c, change, nil)
	}
	return commit(ctx, c, change)
}

// unconfirmed reports a write whose call ended (ctx done) before it was
// confirmed.
func unconfirmed(ctx context.Context, err error) error {
	e := &source.Error{Kind: source.KindCanceled, Err: errors.Join(ctx.Err(), err),
		Message: "the call ended before the write was confirmed; it was rolled back"}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e.Kind = source.KindTimeout
	}
	return e
}

// abort rolls the transaction back and reports err (nil when the write
// was declined).
func abort(ctx context.Context, c *duckdb.Conn, change source.Change, err error) (writeOutcome, error) {
	if rerr := rollback(ctx, c); rerr != nil {
		return writeOutcome{change: change, err: errors.Join(err, rerr)}, rerr
	}
	return writeOutcome{change: change, err: err}, nil
}

// preparedWrite is a statement that passed every check before running.
type preparedWrite struct {
	plan      writePlan
	kind      duckdb.StmtType
	cols      []column
	returning bool
}

// prepareWrite refuses what writes never run, by the leading words before
// anything is prepared, by denied function calls, and by DuckDB's own
// statement type once it has prepared exactly one statement.
func (s *Source) prepareWrite(ctx context.Context, c *duckdb.Conn, sqlText string) (preparedWrite, *duckdb.Stmt, error) {
	var w preparedWrite
	if strings.ContainsRune(sqlText, 0) {
		return w, nil, &source.Error{Kind: source.KindSyntax, Message: "the statement contains a NUL byte"}
	}
	toks, err := lexSQL(sqlText)
	if err != nil {
		return w, nil, err
	}
	if w.plan, err = planWrite(toks); err != nil {
		return w, nil, err
	}
	if err := checkFunctions(ctx, c, sqlText); err != nil {
		return w, nil, err
	}
	stmt, err := prepareOne(c, sqlText)
	if err != nil {
		return w, nil, err
	}
	if w.kind, err = stmt.StatementType(); err == nil {
		err = w.plan.check(w.kind)
	}
	if err == nil && stmt.NumInput() > 0 {
		err = &source.Error{Kind: source.KindSyntax,
			Message: "the statement has parameter placeholders ($1, ?); write the values into it"}
	}
	if err != nil {
		stmt.Close()
		return w, nil, err
	}
	w.cols = s.columns(stmt)
	// A DML statement without RETURNING yields one BIGINT column "Count";
	// the keyword settles the case where RETURNING yields just that.
	w.returning = w.plan.ddl == "" && (hasWord(toks, "RETURNING") || !isCountResult(w.cols))
	return w, stmt, nil
}

func isCountResult(cols []column) bool {
	return len(cols) == 1 && cols[0].name == "Count" && cols[0].info != nil &&
		cols[0].info.InternalType() == duckdb.TYPE_BIGINT
}

// runWrite executes the statement inside the open transaction and
// describes what it did.
func (s *Source) runWrite(ctx context.Context, c *duckdb.Conn, stmt *duckdb.Stmt, w preparedWrite,
	lim source.Limits) (source.Change, error) {
	var before string
	if w.plan.ddl != "" {
		var err error
		if before, err = catalogGuard(ctx, c); err != nil {
			return source.Change{}, err
		}
	}
	start := time.Now()
	rows, err := stmt.QueryContext(ctx, nil)
	if err != nil {
		return source.Change{}, err
	}
	change, err := s.readChange(rows, w, lim)
	rows.Close()
	if err != nil {
		return source.Change{}, err
	}
	change.Elapsed = time.Since(start)
	if change.Returning != nil {
		change.Returning.Elapsed = change.Elapsed
	}
	if w.plan.ddl != "" {
		after, err := catalogGuard(ctx, c)
		if err != nil {
			return source.Change{}, err
		}
		if after != before {
			return source.Change{}, refusal(w.plan.ddl, "it would create, change or drop macros "+
				"or temporary objects, which writes do not touch")
		}
	}
	return change, nil
}
