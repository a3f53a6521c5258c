package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/iopsdata/iopsdata/internal/source"
)

var _ source.Writer = (*Source)(nil)

// ConfirmWindow bounds how long a write's transaction may stay open while
// the user is asked to confirm it; the server rolls it back after that
// (idle_in_transaction_session_timeout), so a forgotten prompt holds no locks.
const ConfirmWindow = 5 * time.Minute

const writeSetupSQL = `SELECT pg_catalog.set_config('statement_timeout', $1, true),
  pg_catalog.set_config('idle_in_transaction_session_timeout', $2, true),
  pg_catalog.set_config('DateStyle', 'ISO', true),
  pg_catalog.set_config('IntervalStyle', 'iso_8601', true),
  pg_catalog.set_config('extra_float_digits', '3', true),
  pg_catalog.set_config('bytea_output', 'hex', true),
  pg_catalog.set_config('standard_conforming_strings', 'on', true)`

// Write runs one statement in a READ WRITE transaction over the extended
// protocol, reports what it changed, and commits only when confirm agrees.
// Whether the statement may run at all is the caller's decision (the SQL
// guard and the connection's policy); Write only makes sure that nothing
// commits without confirm and that no session state survives: the
// connection is closed afterwards rather than returned to the pool.
func (s *Source) Write(ctx context.Context, sql string, lim source.Limits, confirm source.Confirm) (source.Change, bool, error) {
	if strings.IndexByte(sql, 0) >= 0 {
		return source.Change{}, false, &source.Error{Kind: source.KindSyntax, Message: "the SQL text contains a NUL byte"}
	}
	if k := ctxKind(ctx); k != "" {
		return source.Change{}, false, ctxError(ctx, k)
	}
	p, err := s.getPool()
	if err != nil {
		return source.Change{}, false, err
	}
	c, err := p.Acquire(ctx)
	if err != nil {
		return source.Change{}, false, s.connectError(ctx, err)
	}
	defer release(c, false)
	pc := c.Conn().PgConn()
	stop := context.AfterFunc(ctx, func() { cancelBackend(pc) })
	defer stop()

	l := s.limits(ctx, lim)
	if err := s.beginWrite(ctx, pc, l); err != nil {
		return source.Change{}, false, err
	}
	change, err := s.runWrite(ctx, pc, sql, l)
	if err != nil {
		s.rollback(pc)
		return change, false, err
	}
	ok, err := confirm(ctx, change)
	if err != nil || !ok || ctx.Err() != nil {
		s.rollback(pc)
		if err == nil && ctx.Err() != nil {
			err = ctxError(ctx, ctxKind(ctx))
		}
		return change, false, err
	}
	if err := s.execControl(ctx, pc, "COMMIT"); err != nil {
		return change, false, err
	}
	return change, true, nil
}

func (s *Source) beginWrite(ctx context.Context, pc *pgconn.PgConn, l limits) error {
	if err := s.execControl(ctx, pc, "BEGIN READ WRITE"); err != nil {
		return err
	}
	ms := func(d time.Duration) []byte { return []byte(strconv.FormatInt(max(d.Milliseconds(), 1), 10)) }
	rr := pc.ExecParams(ctx, writeSetupSQL, [][]byte{ms(l.timeout), ms(ConfirmWindow)}, nil, nil, nil)
	if _, err := rr.Close(); err != nil {
		s.rollback(pc)
		return s.execError(ctx, err)
	}
	return nil
}

// runWrite executes the statement and collects its RETURNING rows.
func (s *Source) runWrite(ctx context.Context, pc *pgconn.PgConn, sql string, l limits) (source.Change, error) {
	start := time.Now()
	rr := pc.ExecParams(ctx, sql, nil, nil, nil, nil)
	col := newCollector(l, s.types.get)
	fields := rr.FieldDescriptions()
	if len(fields) > 0 {
		pf := make([]pgproto3.FieldDescription, len(fields))
		for i, f := range fields {
			pf[i] = pgproto3.FieldDescription{Name: []byte(f.Name), DataTypeOID: f.DataTypeOID, Format: f.Format}
		}
		col.describe(pf)
	}
	for rr.NextRow() {
		col.row(rr.Values())
	}
	tag, err := rr.Close()
	if err != nil {
		return source.Change{}, s.execError(ctx, err)
	}
	if pc.TxStatus() != 'T' {
		// COMMIT, ROLLBACK or similar ended our transaction: whatever it did
		// was not confirmed. Refuse, and never reuse this connection.
		return source.Change{}, &source.Error{Kind: source.KindUnsupported,
			Message: "the statement ended the transaction; transaction control is not allowed in writes"}
	}
	if len(col.missing) > 0 {
		if err := s.resolveTypes(ctx, pc, col.missing); err != nil {
			return source.Change{}, err
		}
		col.finish()
	}
	ch := source.Change{Tag: tag.String(), RowsAffected: rowsAffected(tag), Elapsed: time.Since(start)}
	if len(fields) > 0 {
		ch.Returning = col.result()
	}
	return ch, nil
}

// rowsAffected is the row count of INSERT, UPDATE, DELETE, MERGE, COPY and
// SELECT tags, -1 for statements without one.
func rowsAffected(tag pgconn.CommandTag) int64 {
	switch {
	case tag.Insert(), tag.Update(), tag.Delete(), tag.Select(),
		strings.HasPrefix(tag.String(), "MERGE"), strings.HasPrefix(tag.String(), "COPY"):
		return tag.RowsAffected()
	}
	return -1
}

func (s *Source) execControl(ctx context.Context, pc *pgconn.PgConn, sql string) error {
	rr := pc.ExecParams(ctx, sql, nil, nil, nil, nil)
	if _, err := rr.Close(); err != nil {
		return s.execError(ctx, err)
	}
	return nil
}

// rollback ends the transaction, best effort: the connection is closed
// afterwards anyway, which rolls back what is still open.
func (s *Source) rollback(pc *pgconn.PgConn) {
	ctx, cancel := context.WithTimeout(context.Background(), cancelGrace)
	defer cancel()
	rr := pc.ExecParams(ctx, "ROLLBACK", nil, nil, nil, nil)
	_, _ = rr.Close()
}

func (s *Source) execError(ctx context.Context, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return s.serverError(ctx, pgErr)
	}
	return s.transportError(ctx, err)
}
