// Package query runs user SQL on a named connection: it checks the text,
// resolves the row, byte and time limits, runs the statement and writes
// every call to the query log.
package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
	"github.com/iopsdata/iopsdata/store"
)

// Limits are the server-wide defaults and maxima.
type Limits struct {
	DefaultRows    int           // rows per call when the caller does not say
	MaxRows        int           // the most a caller may ask for
	DefaultBytes   int           // JSON bytes of rows per call
	MaxBytes       int           // the most a caller may ask for
	DefaultTimeout time.Duration // per statement
	MaxTimeout     time.Duration // the most a caller may ask for
	MaxSQLBytes    int           // longest SQL text accepted
}

// DefaultLimits are used for zero fields.
var DefaultLimits = Limits{
	DefaultRows:    200,
	MaxRows:        10000,
	DefaultBytes:   64 << 10,
	MaxBytes:       16 << 20,
	DefaultTimeout: 30 * time.Second,
	MaxTimeout:     10 * time.Minute,
	MaxSQLBytes:    1 << 20,
}

// Verdicts written to the query log.
const (
	VerdictOK       = "ok"
	VerdictError    = "error"
	VerdictRefused  = "refused"
	VerdictTimeout  = "timeout"
	VerdictCanceled = "canceled"
)

// ErrRefused wraps SQL refused before it reached the database.
var ErrRefused = errors.New("refused")

// Runner executes SQL. Safe for concurrent use.
type Runner struct {
	conns  *conns.Manager
	store  *store.Store
	limits Limits
	log    *slog.Logger

	policy  PolicyFunc    // guard policy per connection
	parses  *parseCache   // PostgreSQL parse results by exact SQL text
	catalog *catalogCache // function volatility per connection
}

// New returns a Runner; zero fields of limits take DefaultLimits.
func New(cm *conns.Manager, st *store.Store, limits Limits, log *slog.Logger) *Runner {
	d := DefaultLimits
	fill := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&limits.DefaultRows, d.DefaultRows)
	fill(&limits.MaxRows, d.MaxRows)
	fill(&limits.DefaultBytes, d.DefaultBytes)
	fill(&limits.MaxBytes, d.MaxBytes)
	fill(&limits.MaxSQLBytes, d.MaxSQLBytes)
	if limits.DefaultTimeout <= 0 {
		limits.DefaultTimeout = d.DefaultTimeout
	}
	if limits.MaxTimeout <= 0 {
		limits.MaxTimeout = d.MaxTimeout
	}
	limits.DefaultRows = min(limits.DefaultRows, limits.MaxRows)
	limits.DefaultBytes = min(limits.DefaultBytes, limits.MaxBytes)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{conns: cm, store: st, limits: limits, log: log,
		policy:  readOnlyPolicy,
		parses:  newParseCache(parseCacheSize),
		catalog: newCatalogCache(DefaultCatalogTTL),
	}
}

// Limits returns the effective server limits.
func (r *Runner) Limits() Limits { return r.limits }

// Request is one execute_sql call.
type Request struct {
	Connection string
	SQL        string
	MaxRows    int // 0: connection or server default
	MaxBytes   int
	TimeoutMS  int
	// Confirm is asked, with the write's transaction open, whether to
	// commit a write on a writable connection. Nil refuses writes.
	Confirm source.Confirm
}

// Response is the result plus what the caller needs to interpret it.
type Response struct {
	*source.Result
	Limits source.Limits // the limits that applied
	Engine source.Engine
	// Change is set for a write: what it did, and whether it committed.
	Change    *source.Change
	Committed bool
}

// Execute runs one statement and logs it: a query read-only, a write (on a
// writable connection) in a transaction that commits only when confirmed.
func (r *Runner) Execute(ctx context.Context, req Request) (*Response, error) {
	start := time.Now()
	entry := store.QueryLogEntry{Connection: req.Connection, Tool: "execute_sql", SQL: req.SQL}
	resp, err := r.execute(ctx, req, &entry)
	r.record(ctx, &entry, start, resp, err)
	return resp, err
}

func (r *Runner) execute(ctx context.Context, req Request, entry *store.QueryLogEntry) (*Response, error) {
	h, err := r.conns.Get(ctx, req.Connection)
	if err != nil {
		return nil, err
	}
	lim := r.resolve(h.Conn.Options, req.MaxRows, req.MaxBytes, req.TimeoutMS)
	class, err := r.check(ctx, h, req.SQL, lim.Timeout, entry)
	if err != nil {
		return nil, err
	}
	if class != "" && class != sqlparse.ClassRead {
		return r.write(ctx, h, req, lim)
	}
	res, err := h.Source.Query(ctx, req.SQL, lim)
	if err != nil {
		// DuckDB classifies its own statements: on a writable connection a
		// write that Query turned away goes the confirmed-write way.
		if source.Engine(h.Conn.Engine) == source.DuckDB && source.KindOf(err) == source.KindReadOnly && r.writable(h.Conn) {
			return r.write(ctx, h, req, lim)
		}
		return nil, err
	}
	return &Response{Result: res, Limits: lim, Engine: h.Source.Engine()}, nil
}

// check refuses SQL that must not reach the database and fills the
// fingerprint of the log entry. PostgreSQL SQL goes through the guard
// (sqlguard on pg_query's facts, then the connection's catalog for
// functions only it can judge). DuckDB SQL is left to the DuckDB adapter,
// which counts and classifies statements with DuckDB's own parser.
func (r *Runner) check(ctx context.Context, h conns.Handle, sql string, timeout time.Duration, entry *store.QueryLogEntry) (sqlparse.Class, error) {
	if err := r.precheck(sql); err != nil {
		return "", err
	}
	if source.Engine(h.Conn.Engine) != source.Postgres {
		entry.Fingerprint = sqlparse.Fingerprint(sql)
		return "", nil
	}
	p := r.parse(sql)
	entry.Fingerprint = p.fingerprint
	if p.err != nil {
		return "", syntaxRefusal(p.err)
	}
	return r.guardPostgres(ctx, h, p.facts, timeout)
}

// precheck refuses text no engine should parse: empty, too long, not
// UTF-8, or holding a NUL byte (which ends the text for C parsers).
func (r *Runner) precheck(sql string) error {
	if strings.TrimSpace(sql) == "" {
		return fmt.Errorf("%w: sql is empty; pass one SQL statement", ErrRefused)
	}
	if len(sql) > r.limits.MaxSQLBytes {
		return fmt.Errorf("%w: sql is %d bytes, over the %d-byte limit; send a shorter statement", ErrRefused, len(sql), r.limits.MaxSQLBytes)
	}
	if !utf8.ValidString(sql) {
		return fmt.Errorf("%w: sql is not valid UTF-8", ErrRefused)
	}
	if strings.IndexByte(sql, 0) >= 0 {
		return fmt.Errorf("%w: sql contains a NUL byte; remove it", ErrRefused)
	}
	return nil
}

// resolve applies per-call, per-connection and server limits.
func (r *Runner) resolve(o store.ConnOptions, rows, bytes, timeoutMS int) source.Limits {
	pick := func(call, conn, def, max int) int {
		v := def
		if conn > 0 {
			v = conn
		}
		if call > 0 {
			v = call
		}
		return min(v, max)
	}
	maxTimeoutMS := int(r.limits.MaxTimeout / time.Millisecond)
	return source.Limits{
		MaxRows:  pick(rows, o.MaxRows, r.limits.DefaultRows, r.limits.MaxRows),
		MaxBytes: pick(bytes, o.MaxBytes, r.limits.DefaultBytes, r.limits.MaxBytes),
		Timeout:  time.Duration(pick(timeoutMS, o.TimeoutMS, int(r.limits.DefaultTimeout/time.Millisecond), maxTimeoutMS)) * time.Millisecond,
	}
}

// record writes the query log entry; a failure to log is logged, not returned.
func (r *Runner) record(ctx context.Context, e *store.QueryLogEntry, start time.Time, resp *Response, err error) {
	e.At = start.UTC()
	e.ElapsedMS = float64(time.Since(start).Microseconds()) / 1000
	e.Verdict = verdict(ctx, err)
	switch {
	case err != nil:
		e.Error = err.Error()
	case resp != nil && resp.Change != nil:
		e.Rows = int(max(resp.Change.RowsAffected, int64(len(resp.Rows))))
		if !resp.Committed {
			e.Verdict = VerdictDeclined
		}
	case resp != nil:
		e.Rows = len(resp.Rows)
	}
	// Log even when the caller has gone: the entry matters most then.
	if lerr := r.store.LogQuery(context.WithoutCancel(ctx), *e); lerr != nil {
		r.log.Warn("write query log", "err", lerr)
	}
}

// refusedKind reports whether a database error is a refusal by one of the
// lower safety layers (read-only transaction, DuckDB sandbox or statement
// check) rather than a failure of a statement that was allowed to run.
func refusedKind(k source.Kind) bool {
	return k == source.KindUnsupported || k == source.KindReadOnly || k == source.KindSandbox
}

func verdict(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return VerdictOK
	case errors.Is(err, ErrRefused), refusedKind(source.KindOf(err)):
		return VerdictRefused
	case source.KindOf(err) == source.KindTimeout:
		return VerdictTimeout
	case source.KindOf(err) == source.KindCanceled || ctx.Err() != nil:
		return VerdictCanceled
	}
	return VerdictError
}
