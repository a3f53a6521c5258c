package query

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlguard"
)

// volatilitySQL reports, for the function names in $1, the operator
// names in $2 and the attribute names in $3 (x.f, which calls f(x) when x
// has no column f), whether any function of that name (behind an operator
// of that name; of one argument) is volatile, and whether a volatile one
// lives outside pg_catalog. An aggregate counts as volatile when one of
// its support functions is (its own pg_proc row is always immutable).
// Overloads are not resolved: any volatile one counts. Names that exist
// nowhere come back as no row; the database reports them.
const volatilitySQL = `WITH procs AS (
  SELECT p.oid, p.proname, p.pronamespace, p.pronargs,
         p.provolatile = 'v' OR EXISTS (
           SELECT FROM pg_catalog.pg_aggregate g JOIN pg_catalog.pg_proc f
             ON f.oid IN (g.aggtransfn, g.aggfinalfn, g.aggcombinefn, g.aggserialfn,
                          g.aggdeserialfn, g.aggmtransfn, g.aggminvtransfn, g.aggmfinalfn)
           WHERE g.aggfnoid = p.oid AND f.provolatile = 'v') AS volatile
    FROM pg_catalog.pg_proc p
   WHERE p.proname = ANY ($1::pg_catalog.name[]) OR p.proname = ANY ($3::pg_catalog.name[])
)
SELECT 'f', proname::text, bool_or(volatile),
       bool_or(volatile AND pronamespace <> 'pg_catalog'::pg_catalog.regnamespace)
  FROM procs WHERE proname = ANY ($1::pg_catalog.name[]) GROUP BY proname
UNION ALL
SELECT 'o', o.oprname::text, bool_or(p.provolatile = 'v'),
       bool_or(p.provolatile = 'v' AND o.oprnamespace <> 'pg_catalog'::pg_catalog.regnamespace)
  FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode
 WHERE o.oprname = ANY ($2::pg_catalog.name[]) GROUP BY o.oprname
UNION ALL
SELECT 'a', proname::text, bool_or(volatile),
       bool_or(volatile AND pronamespace <> 'pg_catalog'::pg_catalog.regnamespace)
  FROM procs WHERE proname = ANY ($3::pg_catalog.name[]) AND pronargs = 1 GROUP BY proname`

// DefaultCatalogTTL is how long a connection's answer about a function
// name is trusted: a function dropped and recreated with another
// volatility is judged by its new definition at most this long after.
const DefaultCatalogTTL = 30 * time.Second

// maxCatalogNames bounds the names remembered per connection.
const maxCatalogNames = 4096

// nameKey is a name and what it is used as: 'f' function, 'o' operator,
// 'a' attribute.
type nameKey struct {
	name string
	kind byte
}

func keyOf(r sqlguard.Ref) nameKey {
	switch {
	case r.Operator:
		return nameKey{r.Name, 'o'}
	case r.Attribute:
		return nameKey{r.Name, 'a'}
	}
	return nameKey{r.Name, 'f'}
}

type volEntry struct {
	v       sqlguard.Volatility
	expires time.Time
}

// connCatalog is what one open connection's catalog said, by name.
type connCatalog struct {
	src   source.Source // the source the answers came from
	names map[nameKey]volEntry
}

// catalogCache remembers volatility answers per connection name for ttl.
// A connection reopened with another config (a new Source) starts empty.
type catalogCache struct {
	mu    sync.Mutex
	conns map[string]*connCatalog
	ttl   time.Duration
	now   func() time.Time
}

func newCatalogCache(ttl time.Duration) *catalogCache {
	return &catalogCache{conns: map[string]*connCatalog{}, ttl: ttl, now: time.Now}
}

// resolve answers every ref from the cache or, for those missing or
// expired, with one catalog query on the connection.
func (c *catalogCache) resolve(ctx context.Context, h conns.Handle, refs []sqlguard.Ref, timeout time.Duration) (func(sqlguard.Ref) sqlguard.Volatility, error) {
	// A statement uses a few names: slices beat maps here.
	keys := make([]nameKey, 0, len(refs))
	vols := make([]sqlguard.Volatility, 0, len(refs))
	missing := map[byte][]string{}
	c.mu.Lock()
	cc := c.conns[h.Conn.Name]
	if cc == nil || cc.src != h.Source {
		cc = &connCatalog{src: h.Source, names: map[nameKey]volEntry{}}
		c.conns[h.Conn.Name] = cc
	}
	now := c.now()
	for _, r := range refs {
		k := keyOf(r)
		if slices.Contains(keys, k) {
			continue
		}
		e, ok := cc.names[k]
		if !ok || !now.Before(e.expires) {
			missing[k.kind] = append(missing[k.kind], k.name)
			e = volEntry{} // asked below; a name gone from the catalog is not volatile
		}
		keys, vols = append(keys, k), append(vols, e.v)
	}
	c.mu.Unlock()

	if len(missing) > 0 {
		found, err := lookupVolatility(ctx, h.Source, missing, timeout)
		if err != nil {
			return nil, err
		}
		c.store(cc, missing, found)
		for i, k := range keys {
			if v, ok := found[k]; ok {
				vols[i] = v
			}
		}
	}
	return func(r sqlguard.Ref) sqlguard.Volatility {
		if i := slices.Index(keys, keyOf(r)); i >= 0 {
			return vols[i]
		}
		return sqlguard.Volatility{}
	}, nil
}

// store remembers the answers for the names just looked up, including
// those that exist nowhere.
func (c *catalogCache) store(cc *connCatalog, missing map[byte][]string, found map[nameKey]sqlguard.Volatility) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(cc.names) > maxCatalogNames {
		clear(cc.names)
	}
	expires := c.now().Add(c.ttl)
	for kind, names := range missing {
		for _, n := range names {
			k := nameKey{n, kind}
			cc.names[k] = volEntry{v: found[k], expires: expires}
		}
	}
}

func lookupVolatility(ctx context.Context, src source.Source, missing map[byte][]string, timeout time.Duration) (map[nameKey]sqlguard.Volatility, error) {
	n := len(missing['f']) + len(missing['o']) + len(missing['a'])
	lim := source.Limits{MaxRows: n + 1, MaxBytes: 1 << 20, Timeout: timeout}
	res, err := src.Query(ctx, volatilitySQL, lim, nonNil(missing['f']), nonNil(missing['o']), nonNil(missing['a']))
	if err != nil {
		return nil, err
	}
	out := make(map[nameKey]sqlguard.Volatility, len(res.Rows))
	for _, row := range res.Rows {
		if len(row) != 4 {
			return nil, fmt.Errorf("unexpected catalog row %v", row)
		}
		kind, ok1 := row[0].(string)
		name, ok2 := row[1].(string)
		vol, ok3 := row[2].(bool)
		outside, ok4 := row[3].(bool)
		if !ok1 || !ok2 || !ok3 || !ok4 || len(kind) != 1 {
			return nil, fmt.Errorf("unexpected catalog row %v", row)
		}
		out[nameKey{name, kind[0]}] = sqlguard.Volatility{Volatile: vol, VolatileOutside: outside}
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
