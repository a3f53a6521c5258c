package postgres

import (
	"bytes"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// The server sends dates and times in DateStyle ISO (forced per statement):
//
//	date         2024-03-01             0044-03-15 BC      infinity
//	timestamp    2024-03-01 13:45:00.5  10000-01-01 00:00:00
//	timestamptz  2024-03-01 13:45:00.5+05:30 (in the session's TimeZone)
//	timetz       13:45:00+02            13:45:00-03:30     01:00:00+05:53:28
//
// The common cases are rewritten in place; BC years, non-UTC offsets and
// other oddities go through parseStamp and the source.Encoding helpers.

var bcSuffix = []byte(" BC")

func isInfinity(v []byte) bool {
	return string(v) == "infinity" || string(v) == "-infinity"
}

// timestampText gives "2024-03-01T13:45:00.5" (source.Timestamp).
func timestampText(v []byte) string {
	if isInfinity(v) {
		return string(v)
	}
	if bytes.HasSuffix(v, bcSuffix) {
		if st, ok := parseStamp(v); ok {
			return source.Timestamp(st.time())
		}
		return string(v)
	}
	if sp := bytes.IndexByte(v, ' '); sp > 0 {
		v[sp] = 'T'
	}
	return string(v)
}

// timestampTZText gives the instant in UTC, "2024-03-01T12:45:00.5Z"
// (source.TimestampTZ), whatever the session's TimeZone.
func timestampTZText(v []byte) string {
	if isInfinity(v) {
		return string(v)
	}
	sp := bytes.IndexByte(v, ' ')
	if sp > 0 && !bytes.HasSuffix(v, bcSuffix) {
		off := sp + 1 + bytes.IndexAny(v[sp+1:], "+-")
		if off > sp && string(v[off:]) == "+00" {
			v[sp], v[off] = 'T', 'Z'
			return string(v[:off+1])
		}
	}
	if st, ok := parseStamp(v); ok {
		return source.TimestampTZ(st.time())
	}
	return string(v)
}

// dateText gives "2024-03-01" (source.Date); BC years become ISO 8601 years
// (1 BC is year 0000, 2 BC is -0001).
func dateText(v []byte) string {
	if bytes.HasSuffix(v, bcSuffix) {
		if st, ok := parseStamp(v); ok {
			return source.Date(st.time())
		}
	}
	return string(v)
}

// timeTZText gives "13:45:00+02:00": the offset always has minutes.
func timeTZText(v []byte) string {
	if off := bytes.LastIndexAny(v, "+-"); off >= 0 && len(v)-off == 3 {
		return string(v) + ":00"
	}
	return string(v)
}

// stamp holds the fields of an ISO date or timestamp as the server prints it.
type stamp struct {
	year, month, day  int
	hour, minute, sec int
	usec              int
	offset            int // seconds east of UTC
	bc                bool
}

// time returns the stamp as a UTC instant (for a timestamp without zone,
// offset is 0 and the wall clock is kept).
func (st stamp) time() time.Time {
	year := st.year
	if st.bc {
		year = 1 - year
	}
	t := time.Date(year, time.Month(st.month), st.day, st.hour, st.minute, st.sec, st.usec*1000, time.UTC)
	return t.Add(-time.Duration(st.offset) * time.Second)
}

// parseStamp reads "Y-M-D[ h:m:s[.f]][±hh[:mm[:ss]]][ BC]".
func parseStamp(v []byte) (stamp, bool) {
	var st stamp
	p := cursor{b: v}
	ok := p.num(&st.year) && p.eat('-') && p.num(&st.month) && p.eat('-') && p.num(&st.day)
	if ok && p.peek(0) == ' ' && isDigit(p.peek(1)) {
		p.i++
		ok = p.num(&st.hour) && p.eat(':') && p.num(&st.minute) && p.eat(':') && p.num(&st.sec)
		if ok && p.eat('.') {
			st.usec = p.fraction()
		}
	}
	if c := p.peek(0); ok && (c == '+' || c == '-') {
		p.i++
		var h, m, s int
		ok = p.num(&h) && (!p.eat(':') || p.num(&m)) && (!p.eat(':') || p.num(&s))
		st.offset = h*3600 + m*60 + s
		if c == '-' {
			st.offset = -st.offset
		}
	}
	if ok && bytes.Equal(p.b[p.i:], bcSuffix) {
		st.bc = true
		p.i = len(p.b)
	}
	return st, ok && p.i == len(p.b)
}

type cursor struct {
	b []byte
	i int
}

func (p *cursor) peek(k int) byte {
	if p.i+k < len(p.b) {
		return p.b[p.i+k]
	}
	return 0
}

func (p *cursor) eat(c byte) bool {
	if p.peek(0) == c {
		p.i++
		return true
	}
	return false
}

// num reads one or more digits into *n.
func (p *cursor) num(n *int) bool {
	start := p.i
	*n = 0
	for p.i < len(p.b) && isDigit(p.b[p.i]) && p.i-start < 9 {
		*n = *n*10 + int(p.b[p.i]-'0')
		p.i++
	}
	return p.i > start
}

// fraction reads the digits after a decimal point as microseconds.
func (p *cursor) fraction() int {
	us, scale := 0, 100000
	for p.i < len(p.b) && isDigit(p.b[p.i]) {
		us += int(p.b[p.i]-'0') * scale
		scale /= 10
		p.i++
	}
	return us
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
