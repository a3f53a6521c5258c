package slbench

import "strings"

// tokKind classifies SQL tokens for gold extraction (§4.1).
type tokKind int

const (
	tokIdent  tokKind = iota // bare identifier
	tokQuoted                // "…", `…`, […]
	tokDot
	tokComma
	tokLParen
	tokRParen
	tokOther
)

type sqlToken struct {
	kind tokKind
	text string
}

// tokenizeSQL removes comments and string literals and splits the rest.
func tokenizeSQL(sql string) []sqlToken {
	var out []sqlToken
	r := []rune(sql)
	n := len(r)
	for i := 0; i < n; {
		c := r[i]
		switch {
		case c == '-' && i+1 < n && r[i+1] == '-':
			for i < n && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && r[i+1] == '*':
			i += 2
			for i < n && !(r[i] == '*' && i+1 < n && r[i+1] == '/') {
				i++
			}
			i += 2
		case c == '\'':
			i++
			for i < n {
				if r[i] == '\'' {
					if i+1 < n && r[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
		case c == '"' || c == '`' || c == '[':
			end := c
			if c == '[' {
				end = ']'
			}
			j := i + 1
			var b strings.Builder
			for j < n {
				if r[j] == end {
					if end != ']' && j+1 < n && r[j+1] == end {
						b.WriteRune(end)
						j += 2
						continue
					}
					break
				}
				b.WriteRune(r[j])
				j++
			}
			out = append(out, sqlToken{tokQuoted, b.String()})
			i = j + 1
		case isIdentStart(c):
			j := i + 1
			for j < n && (isIdentStart(r[j]) || (r[j] >= '0' && r[j] <= '9') || r[j] == '$') {
				j++
			}
			out = append(out, sqlToken{tokIdent, string(r[i:j])})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < n && (r[j] >= '0' && r[j] <= '9' || isIdentStart(r[j])) {
				j++
			}
			out = append(out, sqlToken{tokOther, string(r[i:j])})
			i = j
		case c == '.':
			out = append(out, sqlToken{tokDot, "."})
			i++
		case c == ',':
			out = append(out, sqlToken{tokComma, ","})
			i++
		case c == '(':
			out = append(out, sqlToken{tokLParen, "("})
			i++
		case c == ')':
			out = append(out, sqlToken{tokRParen, ")"})
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			out = append(out, sqlToken{tokOther, string(c)})
			i++
		}
	}
	return out
}

func isIdentStart(c rune) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// sqlName is an identifier or a dotted name a.b(.c).
type sqlName struct {
	parts  []string
	quoted bool // single quoted identifier (never a keyword)
}

// item is a token after joining dotted names.
type item struct {
	tok  sqlToken
	name *sqlName // non-nil for identifiers and dotted names
}

func isName(t sqlToken) bool { return t.kind == tokIdent || t.kind == tokQuoted }

// joinDotted groups identifier '.' identifier sequences. `q.*` becomes a
// plain '*' symbol (ignored).
func joinDotted(toks []sqlToken) []item {
	var out []item
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !isName(t) {
			out = append(out, item{tok: t})
			continue
		}
		nm := &sqlName{parts: []string{t.text}, quoted: t.kind == tokQuoted}
		star := false
		for i+2 < len(toks) && toks[i+1].kind == tokDot {
			nx := toks[i+2]
			if isName(nx) {
				nm.parts = append(nm.parts, nx.text)
				nm.quoted = false
				i += 2
				continue
			}
			if nx.text == "*" {
				star = true
				i += 2
			}
			break
		}
		if star {
			out = append(out, item{tok: sqlToken{tokOther, "*"}})
			continue
		}
		out = append(out, item{tok: t, name: nm})
	}
	return out
}

var sqlKeywords = toSet(`select from where join inner left right outer full cross on and or not in as
group by order having limit offset union intersect except distinct count sum avg min max case when
then else end is null like between exists asc desc cast real integer text float iif substr strftime
with over partition rank row_number round abs length instr julianday total coalesce ifnull upper
lower replace trim natural using all any some values lateral flatten qualify`)

var fromListEnd = toSet(`where group order having limit on union intersect except select set using window qualify`)

func toSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isKeyword reports whether it is a bare keyword (quoted ones never are).
func (it item) isKeyword(set map[string]bool) bool {
	return it.name != nil && !it.name.quoted && len(it.name.parts) == 1 &&
		set[strings.ToLower(it.name.parts[0])]
}
