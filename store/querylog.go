package store

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

const (
	maxSQLBytes   = 64 << 10 // stored SQL text is cut to this size
	maxErrorBytes = 4 << 10  // stored error text is cut to this size
	defaultLimit  = 50
	maxLimit      = 10_000
)

const insertLogSQL = `INSERT INTO query_log
	(at, connection, tool, sql, fingerprint, verdict, "rows", elapsed_ms, error)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// LogQuery appends e to the query log; a zero At means now. It is on the
// hot path of every SQL call, so it only hands the entry to the background
// writer (see logwriter.go); QueryHistory and Close flush first. It ignores
// ctx: a canceled query must still be logged. Every pruneEvery-th row, rows
// older than the newest logKeep go.
func (s *Store) LogQuery(_ context.Context, e QueryLogEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if !s.lw.send(logItem{e: &e}) {
		return errors.New("log query: the store is closed")
	}
	return nil
}

// pruneLog deletes rows older than the newest logKeep, best effort. Row ids
// only grow, so "older" is "id at or below newest-logKeep".
func (s *Store) pruneLog(ctx context.Context, newest int64) {
	if newest <= s.logKeep {
		return
	}
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM query_log WHERE id <= ?`, newest-s.logKeep)
	if err != nil {
		s.log.Warn("store: pruning the query log failed", "err", err)
		return
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.log.Debug("store: pruned the query log", "rows", n)
	}
}

// capText cuts s to at most max bytes on a UTF-8 boundary and marks the cut.
func capText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const mark = "\n-- [truncated by iopsdata: %d of %d bytes kept]"
	cut := max - len(fmt.Sprintf(mark, len(s), len(s))) // longest possible mark
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf(mark, cut, len(s))
}

// QueryHistory returns query log entries, newest first.
func (s *Store) QueryHistory(ctx context.Context, f HistoryFilter) ([]QueryLogEntry, error) {
	if err := s.flushLog(ctx); err != nil {
		return nil, fmt.Errorf("query history: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	q := `SELECT id, at, connection, tool, sql, fingerprint, verdict, "rows", elapsed_ms, error FROM query_log`
	args := []any{}
	if f.Connection != "" {
		q += ` WHERE connection = ?`
		args = append(args, f.Connection)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("query history: %w", err)
	}
	defer rows.Close()
	out := make([]QueryLogEntry, 0, min(limit, 256))
	for rows.Next() {
		var (
			e  QueryLogEntry
			at int64
		)
		if err := rows.Scan(&e.ID, &at, &e.Connection, &e.Tool, &e.SQL, &e.Fingerprint,
			&e.Verdict, &e.Rows, &e.ElapsedMS, &e.Error); err != nil {
			return nil, fmt.Errorf("query history: %w", err)
		}
		e.At = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query history: %w", err)
	}
	return out, nil
}
