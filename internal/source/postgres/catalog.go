package postgres

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
)

// typeCache holds the types learnt from the catalog, per Source.
type typeCache struct {
	mu      sync.RWMutex
	types   map[uint32]*typeInfo
	lookups atomic.Int64 // catalog round trips, for tests
}

func (c *typeCache) get(oid uint32) *typeInfo {
	if t := builtinTypes[oid]; t != nil {
		return t
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.types[oid]
}

func (c *typeCache) put(ts map[uint32]*typeInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.types == nil {
		c.types = make(map[uint32]*typeInfo, len(ts))
	}
	for oid, t := range ts {
		c.types[oid] = t
	}
}

// typeSQL describes types by OID: name, kind, array element, domain base,
// element delimiter and, for composites, the attributes in order.
const typeSQL = `SELECT t.oid, t.typname::text, t.typtype::text, t.typcategory::text,
  t.typelem, t.typbasetype, t.typdelim::text,
  ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
  ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::pg_catalog.oid[])`

// maxTypeRounds bounds the lookups for types that refer to further unknown
// types (an array of a domain over a composite …).
const maxTypeRounds = 8

type catalogType struct {
	name, typtype, category string
	elem, base              uint32
	delim                   byte
	attNames                []string
	attTypes                []uint32
}

// resolveTypes loads the given OIDs, and the types they refer to, on the
// idle connection pc, then caches them.
func (s *Source) resolveTypes(ctx context.Context, pc *pgconn.PgConn, oids []uint32) error {
	rows := map[uint32]*catalogType{}
	pending := oids
	for round := 0; len(pending) > 0 && round < maxTypeRounds; round++ {
		got, err := s.fetchTypes(ctx, pc, pending)
		if err != nil {
			return err
		}
		next := []uint32{}
		for _, oid := range pending {
			r := got[oid]
			rows[oid] = r // nil: not in the catalog
			if r == nil {
				continue
			}
			for _, ref := range append([]uint32{r.elem, r.base}, r.attTypes...) {
				if _, seen := rows[ref]; ref != 0 && !seen && s.types.get(ref) == nil {
					rows[ref] = nil // placeholder until fetched
					next = append(next, ref)
				}
			}
		}
		pending = next
	}
	b := typeBuilder{rows: rows, known: s.types.get, done: map[uint32]*typeInfo{}}
	for oid := range rows {
		b.build(oid)
	}
	s.types.put(b.done)
	return nil
}

// fetchTypes runs typeSQL through the normal query path on pc.
func (s *Source) fetchTypes(ctx context.Context, pc *pgconn.PgConn, oids []uint32) (map[uint32]*catalogType, error) {
	s.types.lookups.Add(1)
	list := make([]string, len(oids))
	for i, oid := range oids {
		list[i] = strconv.FormatUint(uint64(oid), 10)
	}
	req := &request{sql: typeSQL, params: [][]byte{[]byte("{" + strings.Join(list, ",") + "}")},
		lim: limits{maxRows: len(oids), maxBytes: DefaultMaxBytes, timeout: s.cfg.DefaultTimeout}}
	col := newCollector(req.lim, builtinTypes.get)
	out, err := exchange(ctx, pc, req, col)
	if err != nil {
		return nil, s.transportError(ctx, err)
	}
	if out.pgErr != nil {
		return nil, s.serverError(ctx, out.pgErr)
	}
	got := make(map[uint32]*catalogType, len(col.rows))
	for _, r := range col.rows {
		oid, ct := parseCatalogRow(r)
		got[oid] = ct
	}
	return got, nil
}

func parseCatalogRow(r []any) (uint32, *catalogType) {
	num := func(v any) uint32 { n, _ := v.(int64); return uint32(n) }
	text := func(v any) string { s, _ := v.(string); return s }
	ct := &catalogType{name: text(r[1]), typtype: text(r[2]), category: text(r[3]),
		elem: num(r[4]), base: num(r[5]), delim: ','}
	if d := text(r[6]); len(d) == 1 {
		ct.delim = d[0]
	}
	names, _ := r[7].([]any)
	types, _ := r[8].([]any)
	for i := range min(len(names), len(types)) {
		ct.attNames = append(ct.attNames, text(names[i]))
		ct.attTypes = append(ct.attTypes, num(types[i]))
	}
	return num(r[0]), ct
}

type typeBuilder struct {
	rows  map[uint32]*catalogType
	known func(uint32) *typeInfo
	done  map[uint32]*typeInfo
}

// build turns catalog rows into typeInfo: arrays get their element, domains
// decode as their base type, composites get their attributes.
func (b *typeBuilder) build(oid uint32) *typeInfo {
	if t := b.known(oid); t != nil {
		return t
	}
	if t := b.done[oid]; t != nil {
		return t
	}
	r := b.rows[oid]
	if r == nil {
		t := unknownType(oid)
		b.done[oid] = t
		return t
	}
	t := &typeInfo{oid: oid, name: r.name, kind: kString}
	b.done[oid] = t
	switch {
	case r.typtype == "d" && r.base != 0:
		base := b.build(r.base)
		t.kind, t.elem, t.delim, t.fields = base.kind, base.elem, base.delim, base.fields
	case r.category == "A" && r.elem != 0 && strings.HasPrefix(r.name, "_"):
		t.kind, t.elem, t.delim = kArray, b.build(r.elem), b.delimOf(r.elem)
		t.name = t.elem.name + "[]"
	case r.typtype == "c":
		t.kind = kComposite
		for i, name := range r.attNames {
			t.fields = append(t.fields, field{name: name, typ: b.build(r.attTypes[i])})
		}
	}
	return t
}

// delimOf is the array delimiter of element type oid.
func (b *typeBuilder) delimOf(oid uint32) byte {
	if r := b.rows[oid]; r != nil {
		return r.delim
	}
	if oid == 603 { // box
		return ';'
	}
	return ','
}
