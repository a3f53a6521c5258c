package postgres

import (
	"bytes"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/iopsdata/iopsdata/internal/source"
)

// collector turns the row stream of one statement into a source.Result,
// enforcing the row and byte caps as rows arrive.
type collector struct {
	lim    limits
	lookup func(oid uint32) *typeInfo

	cols    []source.Column
	oids    []uint32
	decs    []colDecoder
	missing []uint32   // column type OIDs not yet known
	raw     [][][]byte // rows held undecoded until missing types are loaded

	rows      [][]any
	slab      []any // backing store for rows, filled from the front
	seen      int   // data rows received
	bytes     int   // JSON size of rows so far, "[]" included
	full      bool  // the byte cap was reached
	truncBy   string
	truncated bool
}

func newCollector(lim limits, lookup func(uint32) *typeInfo) *collector {
	return &collector{lim: lim, lookup: lookup, bytes: 2}
}

// describe records the columns of a RowDescription.
func (c *collector) describe(fields []pgproto3.FieldDescription) {
	c.cols = make([]source.Column, len(fields))
	c.oids = make([]uint32, len(fields))
	for i, f := range fields {
		c.cols[i].Name = string(f.Name)
		c.oids[i] = f.DataTypeOID
		if c.lookup(f.DataTypeOID) == nil {
			c.missing = append(c.missing, f.DataTypeOID)
		}
	}
	if len(c.missing) == 0 {
		c.bindDecoders()
	}
}

func (c *collector) bindDecoders() {
	c.decs = make([]colDecoder, len(c.oids))
	for i, oid := range c.oids {
		t := c.lookup(oid)
		if t == nil {
			t = unknownType(oid)
		}
		c.decs[i].t = t
		c.cols[i].Type = t.name
	}
}

// row takes one DataRow. Its values are only valid during the call.
func (c *collector) row(values [][]byte) {
	c.seen++
	switch {
	case c.seen > c.lim.maxRows:
		c.truncate(source.TruncatedRows)
	case c.full:
	case len(c.missing) > 0:
		c.raw = append(c.raw, cloneRow(values))
	default:
		c.add(values)
	}
}

// finish decodes the rows held back for type resolution.
func (c *collector) finish() {
	c.missing = nil
	c.bindDecoders()
	for _, r := range c.raw {
		if c.full {
			break
		}
		c.add(r)
	}
	c.raw = nil
}

// add decodes one row and keeps it unless it would pass the byte cap.
func (c *collector) add(values [][]byte) {
	n := len(values)
	row := c.reserve(n)
	size := n + 1 // brackets and commas
	if n == 0 {
		size = 2
	}
	for i, v := range values {
		val, sz := c.decs[i].decode(v)
		row[i] = val
		size += sz
	}
	if len(c.rows) > 0 {
		size++ // comma between rows
	}
	if c.bytes+size > c.lim.maxBytes {
		c.full = true
		c.truncate(source.TruncatedBytes)
		clear(row)
		return
	}
	c.bytes += size
	c.slab = c.slab[n:]
	c.rows = append(c.rows, row)
}

// reserve returns space for a row of n values at the front of the slab; add
// consumes it only when the row is kept. Slabs grow with the result.
func (c *collector) reserve(n int) []any {
	if n == 0 {
		return []any{}
	}
	if len(c.slab) < n {
		rows := min(max(32, len(c.rows)), 1024, c.lim.maxRows+1)
		c.slab = make([]any, n*rows)
	}
	return c.slab[:n:n]
}

func (c *collector) truncate(by string) {
	if !c.truncated {
		c.truncated, c.truncBy = true, by
	}
}

func (c *collector) result() *source.Result {
	rows := c.rows
	if rows == nil {
		rows = [][]any{}
	}
	cols := c.cols
	if cols == nil {
		cols = []source.Column{}
	}
	return &source.Result{Columns: cols, Rows: rows, Truncated: c.truncated, TruncatedBy: c.truncBy, Bytes: c.bytes}
}

func cloneRow(values [][]byte) [][]byte {
	out := make([][]byte, len(values))
	for i, v := range values {
		if v != nil {
			out[i] = bytes.Clone(v)
		}
	}
	return out
}
