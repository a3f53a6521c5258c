package postgres

import (
	"strconv"
)

// decodeArray parses an array literal ("{1,2,NULL}", "{{1,2},{3,4}}",
// `{"a b","q\"x"}`, "[0:1]={1,2}") into nested []any of decoded elements.
// A literal that does not parse is passed through as a string.
func decodeArray(t *typeInfo, v []byte) (any, int) {
	body := v
	if len(body) > 0 && body[0] == '[' { // explicit bounds: "[0:1]={...}"
		for i, c := range body {
			if c == '=' {
				body = body[i+1:]
				break
			}
		}
	}
	p := arrayParser{cursor: cursor{b: body}, elem: t.elem, delim: t.delim}
	out, size, ok := p.parse()
	if !ok || p.i != len(body) {
		return str(string(v))
	}
	return out, size
}

type arrayParser struct {
	cursor
	elem    *typeInfo
	delim   byte
	scratch []byte
}

func (p *arrayParser) parse() ([]any, int, bool) {
	if !p.eat('{') {
		return nil, 0, false
	}
	out := []any{}
	size := 2
	if p.eat('}') {
		return out, size, true
	}
	for {
		val, n, ok := p.element()
		if !ok {
			return nil, 0, false
		}
		out = append(out, val)
		size += n
		switch {
		case p.eat(p.delim):
			size++
		case p.eat('}'):
			return out, size, true
		default:
			return nil, 0, false
		}
	}
}

func (p *arrayParser) element() (any, int, bool) {
	switch p.peek(0) {
	case '{':
		out, n, ok := p.parse()
		return out, n, ok
	case '"':
		raw, ok := p.quoted()
		if !ok {
			return nil, 0, false
		}
		val, n := decodeText(p.elem, raw)
		return val, n, true
	}
	start := p.i
	for p.i < len(p.b) && p.b[p.i] != p.delim && p.b[p.i] != '}' {
		p.i++
	}
	raw := p.b[start:p.i]
	if len(raw) == 0 {
		return nil, 0, false
	}
	if len(raw) == 4 && (string(raw) == "NULL" || string(raw) == "null") {
		return nil, 4, true
	}
	val, n := decodeText(p.elem, raw)
	return val, n, true
}

// quoted reads a double-quoted element, resolving backslash escapes, into
// the parser's scratch buffer.
func (p *arrayParser) quoted() ([]byte, bool) {
	p.i++ // opening quote
	p.scratch = p.scratch[:0]
	for p.i < len(p.b) {
		c := p.b[p.i]
		p.i++
		switch c {
		case '\\':
			if p.i < len(p.b) {
				p.scratch = append(p.scratch, p.b[p.i])
				p.i++
			}
		case '"':
			return p.scratch, true
		default:
			p.scratch = append(p.scratch, c)
		}
	}
	return nil, false
}

// decodeComposite parses a row literal ("(1,\"a b\",,\"\")") into an object
// keyed by attribute name. An empty unquoted field is NULL; "" is the empty
// string. Fields beyond the known attributes (a type altered after it was
// cached) are named f1, f2 … by position and kept as strings.
func decodeComposite(t *typeInfo, v []byte) (any, int) {
	p := cursor{b: v}
	if !p.eat('(') {
		return str(string(v))
	}
	obj := make(map[string]any, len(t.fields))
	size := 2
	if len(t.fields) == 0 && p.eat(')') {
		return obj, size
	}
	var scratch []byte
	for idx := 0; ; idx++ {
		raw, null, ok := compositeField(&p, scratch[:0])
		if !ok {
			return str(string(v))
		}
		scratch = raw
		name, ft := fieldAt(t, idx)
		val, n := any(nil), 4
		if !null {
			val, n = decodeText(ft, raw)
		}
		obj[name] = val
		size += jsonStringSize(name) + 1 + n
		if idx > 0 {
			size++
		}
		if p.eat(')') {
			break
		}
		if !p.eat(',') {
			return str(string(v))
		}
	}
	if p.i != len(v) {
		return str(string(v))
	}
	return obj, size
}

// compositeField reads one field up to ',' or ')'. Quoted sections double
// their quotes ("") and may use backslash escapes.
func compositeField(p *cursor, buf []byte) (raw []byte, null, ok bool) {
	if c := p.peek(0); c == ',' || c == ')' {
		return nil, true, true
	}
	inQuotes := false
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '\\' && p.i+1 < len(p.b):
			buf = append(buf, p.b[p.i+1])
			p.i += 2
			continue
		case c == '"' && inQuotes && p.peek(1) == '"':
			buf = append(buf, '"')
			p.i += 2
			continue
		case c == '"':
			inQuotes = !inQuotes
		case !inQuotes && (c == ',' || c == ')'):
			return buf, false, true
		default:
			buf = append(buf, c)
		}
		p.i++
	}
	return nil, false, false
}

func fieldAt(t *typeInfo, idx int) (string, *typeInfo) {
	if idx < len(t.fields) {
		return t.fields[idx].name, t.fields[idx].typ
	}
	return "f" + strconv.Itoa(idx+1), builtinTypes[25]
}
