package query

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlguard"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
	"github.com/iopsdata/iopsdata/store"
)

// PolicyFunc returns the guard policy of a connection.
type PolicyFunc func(store.Connection) sqlguard.Policy

// readOnlyPolicy is the policy execute_sql and explain_sql run under on
// every connection: read-only, with the volatile functions the connection
// allow-lists (allow_functions). Writes never go through this Runner.
func readOnlyPolicy(c store.Connection) sqlguard.Policy {
	return sqlguard.Policy{AllowVolatile: c.Options.AllowFunctions}
}

// SetPolicy replaces how connections map to guard policies. Call it before
// the Runner is used; nil restores the default, readOnlyPolicy.
func (r *Runner) SetPolicy(fn PolicyFunc) {
	if fn == nil {
		fn = readOnlyPolicy
	}
	r.policy = fn
}

// parsed is a SQL text's facts and fingerprint, or why it does not parse.
type parsed struct {
	facts       sqlparse.Facts
	fingerprint string
	err         error
}

// parse parses PostgreSQL SQL once per distinct text: the parse cache is
// keyed by the exact text (never by fingerprint, which is not
// collision-resistant and ignores constants).
func (r *Runner) parse(sql string) *parsed {
	if p, ok := r.parses.get(sql); ok {
		return p
	}
	p := &parsed{}
	p.facts, p.err = sqlparse.Parse(sql)
	if p.err == nil || errors.Is(p.err, sqlparse.ErrEmpty) {
		p.fingerprint = sqlparse.Fingerprint(sql)
	}
	r.parses.put(sql, p)
	return p
}

// guardPostgres refuses PostgreSQL SQL the guard does not allow on this
// connection, before the database sees it. Functions and operators only
// the catalog can judge are looked up on the connection itself. It returns
// the class of the allowed statement: anything but read is a write.
func (r *Runner) guardPostgres(ctx context.Context, h conns.Handle, facts sqlparse.Facts, timeout time.Duration) (sqlparse.Class, error) {
	pol := r.policy(h.Conn)
	if r.writable(h.Conn) {
		for _, w := range h.Conn.Options.Writes {
			pol.Writes = append(pol.Writes, sqlparse.Class(w))
		}
	}
	d := sqlguard.Check(facts, pol)
	if !d.Allowed {
		return "", refusal(d)
	}
	if len(d.Lookups) == 0 {
		return d.Class, nil
	}
	vol, err := r.catalog.resolve(ctx, h, d.Lookups, timeout)
	if err != nil {
		return "", fmt.Errorf("check functions in the catalog: %w", err)
	}
	if d = sqlguard.Resolve(d, pol, vol); !d.Allowed {
		return "", refusal(d)
	}
	return d.Class, nil
}

// writable reports whether writes may run on c (after confirmation).
func (r *Runner) writable(c store.Connection) bool {
	return r.conns != nil && r.conns.Writable(c)
}

// refusal wraps a guard refusal so it matches ErrRefused and the guard's
// sentinels, and reads "refused: <what and what to do>".
func refusal(d sqlguard.Decision) error {
	return fmt.Errorf("%w: %w", ErrRefused, d.Err())
}

// syntaxRefusal turns a parse failure into the error the caller sees.
func syntaxRefusal(err error) error {
	if errors.Is(err, sqlparse.ErrEmpty) {
		return fmt.Errorf("%w: sql holds only comments; pass one SQL statement", ErrRefused)
	}
	if errors.Is(err, sqlparse.ErrTooDeep) {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	var se *sqlparse.SyntaxError
	if errors.As(err, &se) {
		return &source.Error{Kind: source.KindSyntax, Code: "42601", Message: se.Message, Position: se.Position, Err: err}
	}
	return fmt.Errorf("%w: the SQL could not be checked: %w", ErrRefused, err)
}

// parseCache holds parse results of recent SQL texts in two generations:
// when the current one is full it becomes the old one, so at most 2×max
// texts (each at most maxCachedSQL bytes) are held.
type parseCache struct {
	mu       sync.Mutex
	cur, old map[string]*parsed
	max      int
}

const (
	parseCacheSize = 512
	maxCachedSQL   = 16 << 10
)

func newParseCache(max int) *parseCache {
	return &parseCache{cur: map[string]*parsed{}, max: max}
}

func (c *parseCache) get(sql string) (*parsed, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.cur[sql]; ok {
		return p, true
	}
	if p, ok := c.old[sql]; ok {
		c.putLocked(sql, p)
		return p, true
	}
	return nil, false
}

func (c *parseCache) put(sql string, p *parsed) {
	if len(sql) > maxCachedSQL {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(sql, p)
}

func (c *parseCache) putLocked(sql string, p *parsed) {
	if len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[string]*parsed, c.max)
	}
	c.cur[sql] = p
}
