// Package postgres is the PostgreSQL adapter behind source.Source.
//
// Every statement runs over the extended protocol inside
//
//	BEGIN READ ONLY; SELECT set_config(..., true) ...; <statement>; Sync;
//	ROLLBACK; SELECT pg_advisory_unlock_all(); Sync
//
// written to the server in one flush and read back in one pass, so a query
// costs one round trip and leaves no session state on the pooled connection.
// Results are requested in text format and converted per column type to the
// JSON forms of source.Encoding. pgx's Query/Exec APIs are never used for SQL.
package postgres

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Config configures one PostgreSQL source.
type Config struct {
	DSN            string
	PoolSize       int           // 0 → DefaultPoolSize
	DefaultTimeout time.Duration // 0 → DefaultTimeout
	MaxRowsCap     int           // hard maximum for Limits.MaxRows; 0 → DefaultMaxRowsCap
	AppName        string        // application_name; "" → the DSN's, else "iopsdata"
	Logger         *slog.Logger  // nil → discard
}

// Source is a lazily opened pool of connections to one database.
type Source struct {
	cfg     Config
	pcfg    *pgxpool.Config
	secrets []string
	log     *slog.Logger
	types   typeCache

	mu     sync.Mutex
	pool   *pgxpool.Pool
	closed bool
}

var _ source.Source = (*Source)(nil)

// Open parses the DSN and returns a Source. No connection is made until the
// first Query or Ping. A DSN that does not parse gives a *source.Error of
// kind KindBadDSN whose message holds neither the DSN nor its password.
func Open(cfg Config) (*Source, error) {
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = DefaultPoolSize
	}
	if cfg.DefaultTimeout <= 0 {
		cfg.DefaultTimeout = DefaultTimeout
	}
	if cfg.MaxRowsCap <= 0 {
		cfg.MaxRowsCap = DefaultMaxRowsCap
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	pcfg, secrets, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Source{cfg: cfg, pcfg: pcfg, secrets: secrets, log: cfg.Logger}, nil
}

// Engine reports source.Postgres.
func (s *Source) Engine() source.Engine { return source.Postgres }

// Close closes the pool, waiting for connections in use to be released.
func (s *Source) Close() error {
	s.mu.Lock()
	p := s.pool
	s.pool, s.closed = nil, true
	s.mu.Unlock()
	if p != nil {
		p.Close()
	}
	return nil
}

// getPool creates the pool on first use.
func (s *Source) getPool() (*pgxpool.Pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &source.Error{Kind: source.KindOther, Message: "the connection is closed"}
	}
	if s.pool == nil {
		p, err := pgxpool.NewWithConfig(context.Background(), s.pcfg)
		if err != nil {
			return nil, &source.Error{Kind: source.KindBadDSN, Message: scrub("invalid connection settings: "+err.Error(), s.secrets)}
		}
		s.pool = p
	}
	return s.pool, nil
}

// Query runs one statement in a read-only transaction that is rolled back.
func (s *Source) Query(ctx context.Context, sql string, lim source.Limits, args ...any) (*source.Result, error) {
	if strings.IndexByte(sql, 0) >= 0 {
		return nil, &source.Error{Kind: source.KindSyntax, Message: "the SQL text contains a NUL byte"}
	}
	params, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	if k := ctxKind(ctx); k != "" {
		return nil, ctxError(ctx, k)
	}
	p, err := s.getPool()
	if err != nil {
		return nil, err
	}
	c, err := p.Acquire(ctx)
	if err != nil {
		return nil, s.connectError(ctx, err)
	}
	req := &request{sql: sql, params: params, lim: s.limits(ctx, lim)}
	return s.run(ctx, c, req)
}

// limits fills in defaults and caps. The statement timeout never outlives
// the context's deadline, so the server stops the statement first.
func (s *Source) limits(ctx context.Context, lim source.Limits) limits {
	l := limits{maxRows: lim.MaxRows, maxBytes: lim.MaxBytes, timeout: lim.Timeout}
	if l.maxRows <= 0 || l.maxRows > s.cfg.MaxRowsCap {
		l.maxRows = s.cfg.MaxRowsCap
	}
	if l.maxBytes <= 0 {
		l.maxBytes = DefaultMaxBytes
	}
	if l.timeout <= 0 {
		l.timeout = s.cfg.DefaultTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		l.timeout = min(l.timeout, max(time.Until(dl), time.Millisecond))
	}
	return l
}

const pingSQL = `SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_database()::text,
  current_user::text,
  coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false),
  ARRAY(SELECT r.rolname::text FROM pg_catalog.pg_roles r
        WHERE r.rolname IN ('pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program')
          AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
        ORDER BY 1)`

// Ping connects (creating the pool if needed) and describes the server and
// the role: superuser, and membership (direct or inherited) in the
// predefined roles that reach the server's files and programs.
func (s *Source) Ping(ctx context.Context) (source.Info, error) {
	res, err := s.Query(ctx, pingSQL, source.Limits{MaxRows: 1})
	if err != nil {
		return source.Info{}, err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 5 {
		return source.Info{}, &source.Error{Kind: source.KindOther, Message: "unexpected answer to ping"}
	}
	r := res.Rows[0]
	info := source.Info{Roles: []string{}}
	info.ServerVersion, _ = r[0].(string)
	info.Database, _ = r[1].(string)
	info.User, _ = r[2].(string)
	info.Superuser, _ = r[3].(bool)
	roles, _ := r[4].([]any)
	for _, v := range roles {
		if name, ok := v.(string); ok {
			info.Roles = append(info.Roles, name)
		}
	}
	return info, nil
}
