package sqlparse

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The parse tree comes from pg_query's C library as JSON: producing it costs
// a quarter of the protobuf route (see BenchmarkTreeRoutes), and decoding
// it into this small document is cheaper than unmarshaling protobuf into Go
// structs. The walk in walk.go reads it against the protobuf descriptors, so
// every key is known and typed.

// jkind is the kind of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNum
	jStr
	jArr
	jObj
)

// jval is one JSON value. Containers hold the range of their members in
// jdoc.mems; strings and literals the range of their raw text in jdoc.src
// (between the quotes, still escaped). Neither holds a pointer, so building
// the document costs no write barriers.
type jval struct {
	kind jkind
	esc  bool  // jStr: the raw text holds backslash escapes
	lo   int32 // containers: first member; others: start in src
	n    int32 // containers: member count; others: length in src
}

// jmem is an object member or array element. key is the member's key in
// the key table, 0 for array elements and for keys the table lacks.
type jmem struct {
	key uint16
	val int32
}

// jdoc is a decoded JSON text: values and members in flat slices.
type jdoc struct {
	src   string
	pos   int
	keys  *keyTable
	vals  []jval
	mems  []jmem
	stack []jmem
}

// maxJSONDepth bounds nesting: a tree of MaxNesting levels prints as a
// few JSON levels per tree level.
const maxJSONDepth = 1 << 17

var errBadTree = errors.New("unexpected parse tree from pg_query")

// decode parses src and returns the index of the root value. Object keys
// are looked up in keys.
func (d *jdoc) decode(src string, keys *keyTable) (int32, error) {
	d.src, d.pos, d.keys = src, 0, keys
	d.vals, d.mems, d.stack = d.vals[:0], d.mems[:0], d.stack[:0]
	root, err := d.value(0)
	if err != nil {
		return 0, err
	}
	d.space()
	if d.pos != len(d.src) {
		return 0, errBadTree
	}
	return root, nil
}

func (d *jdoc) space() {
	for d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jdoc) value(depth int) (int32, error) {
	if depth > maxJSONDepth {
		return 0, errBadTree
	}
	d.space()
	if d.pos >= len(d.src) {
		return 0, errBadTree
	}
	idx := int32(len(d.vals))
	switch c := d.src[d.pos]; {
	case c == '{' || c == '[':
		d.vals = append(d.vals, jval{kind: jObj})
		if c == '[' {
			d.vals[idx].kind = jArr
		}
		if err := d.container(idx, c == '{', depth); err != nil {
			return 0, err
		}
	case c == '"':
		lo, hi, esc, _, err := d.str(false)
		if err != nil {
			return 0, err
		}
		d.vals = append(d.vals, jval{kind: jStr, esc: esc, lo: int32(lo), n: int32(hi - lo)})
	default:
		start := d.pos
		for d.pos < len(d.src) && !endsLiteral(d.src[d.pos]) {
			d.pos++
		}
		k := jNum
		switch d.src[start:d.pos] {
		case "true", "false":
			k = jBool
		case "null":
			k = jNull
		case "":
			return 0, errBadTree
		}
		d.vals = append(d.vals, jval{kind: k, lo: int32(start), n: int32(d.pos - start)})
	}
	return idx, nil
}

func endsLiteral(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// container reads an object or array whose value slot is idx. Members are
// gathered on a stack and copied out at the end, so each container's
// members are contiguous.
func (d *jdoc) container(idx int32, obj bool, depth int) error {
	closer := byte(']')
	if obj {
		closer = '}'
	}
	d.pos++
	base := len(d.stack)
	d.space()
	if d.pos < len(d.src) && d.src[d.pos] == closer {
		d.pos++
	} else {
		for {
			var key uint16
			if obj {
				d.space()
				lo, hi, esc, h, err := d.str(true)
				if err != nil {
					return err
				}
				if !esc { // pg_query's keys are plain; an escaped key is unknown
					key = d.keys.find(d.src[lo:hi], h)
				}
				d.space()
				if d.pos >= len(d.src) || d.src[d.pos] != ':' {
					return errBadTree
				}
				d.pos++
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return err
			}
			d.stack = append(d.stack, jmem{key: key, val: v})
			d.space()
			if d.pos >= len(d.src) {
				return errBadTree
			}
			c := d.src[d.pos]
			d.pos++
			if c == closer {
				break
			}
			if c != ',' {
				return errBadTree
			}
		}
	}
	d.vals[idx].lo, d.vals[idx].n = int32(len(d.mems)), int32(len(d.stack)-base)
	d.mems = append(d.mems, d.stack[base:]...)
	d.stack = d.stack[:base]
	return nil
}

// str reads a string: the range of its raw contents in src and whether
// it holds escapes. For keys it also returns the FNV-1a hash of the raw
// bytes, for the key table.
func (d *jdoc) str(key bool) (lo, hi int, esc bool, h uint32, err error) {
	if d.pos >= len(d.src) || d.src[d.pos] != '"' {
		return 0, 0, false, 0, errBadTree
	}
	lo, h = d.pos+1, fnvOffset
	for i := lo; i < len(d.src); i++ {
		switch c := d.src[i]; c {
		case '"':
			d.pos = i + 1
			return lo, i, false, h, nil
		case '\\':
			if hi, err = d.escapedEnd(i); err != nil {
				return 0, 0, false, 0, err
			}
			d.pos = hi + 1
			if key {
				h = fnv(d.src[lo:hi])
			}
			return lo, hi, true, h, nil
		default:
			h = (h ^ uint32(c)) * fnvPrime
		}
	}
	return 0, 0, false, 0, errBadTree
}

// escapedEnd finds the closing quote of a string holding escapes.
func (d *jdoc) escapedEnd(lo int) (int, error) {
	for i := lo; i < len(d.src); i++ {
		switch d.src[i] {
		case '\\':
			i++
		case '"':
			return i, nil
		}
	}
	return 0, errBadTree
}

// text returns the decoded value of string v ("" for other kinds).
func (d *jdoc) text(v int32) string {
	if v < 0 {
		return ""
	}
	jv := &d.vals[v]
	if jv.kind != jStr {
		return ""
	}
	raw := d.src[jv.lo : jv.lo+jv.n]
	if !jv.esc {
		return raw
	}
	s, err := unescape(raw)
	if err != nil {
		return "\uFFFD" // cannot happen for pg_query output; never a known name
	}
	return s
}

// member returns the value of key in object v, or -1.
func (d *jdoc) member(v int32, key uint16) int32 {
	if v < 0 || key == 0 {
		return -1
	}
	jv := d.vals[v]
	if jv.kind != jObj {
		return -1
	}
	for _, m := range d.mems[jv.lo : jv.lo+jv.n] {
		if m.key == key {
			return m.val
		}
	}
	return -1
}

// items returns the members of container v.
func (d *jdoc) items(v int32) []jmem {
	if v < 0 {
		return nil
	}
	jv := d.vals[v]
	if jv.kind != jObj && jv.kind != jArr {
		return nil
	}
	return d.mems[jv.lo : jv.lo+jv.n]
}

// unescape decodes JSON string escapes.
func unescape(raw string) (string, error) {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(raw) {
			return "", errBadTree
		}
		switch raw[i] {
		case '"', '\\', '/':
			b.WriteByte(raw[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n, err := hexRune(raw[i+1:])
			if err != nil {
				return "", err
			}
			i += n
			b.WriteRune(r)
		default:
			return "", errBadTree
		}
	}
	return b.String(), nil
}

// hexRune decodes the XXXX of \uXXXX, and a following low surrogate.
func hexRune(s string) (rune, int, error) {
	if len(s) < 4 {
		return 0, 0, errBadTree
	}
	v, err := strconv.ParseUint(s[:4], 16, 16)
	if err != nil {
		return 0, 0, errBadTree
	}
	r := rune(v)
	if utf16.IsSurrogate(r) && len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if lo, err := strconv.ParseUint(s[6:10], 16, 16); err == nil {
			if p := utf16.DecodeRune(r, rune(lo)); p != utf8.RuneError {
				return p, 10, nil
			}
		}
	}
	return r, 4, nil
}
