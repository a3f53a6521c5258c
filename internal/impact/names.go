package impact

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
)

// rel is a relation of one connection, its database part dropped. An empty
// schema is unknown (a bare name whose connection's default schema is not
// known). An empty conn, only for the target without Request.Connection,
// matches every connection.
type rel struct{ conn, schema, name string }

// display returns the relation's name as SQL would write it.
func (r rel) display() string {
	if r.schema == "" {
		return catalog.QuoteIdent(r.name)
	}
	return catalog.QuoteIdent(r.schema) + "." + catalog.QuoteIdent(r.name)
}

// parseTarget reads the requested table name with SQL's rules and returns
// the (schema, name) pairs it may mean, schema "" when not given; folded
// says an unquoted part had upper case (its as-written spelling is a
// second candidate).
func parseTarget(s string) ([][2]string, bool, error) {
	if strings.TrimSpace(s) == "" {
		return nil, false, errors.New(`impact: pass table: the table (or view) whose dependents you want, e.g. "orders", "public.orders" or "\"Sales\".\"Orders\""; add column to ask about one column`)
	}
	parts, err := splitName(s)
	if err != nil {
		return nil, false, fmt.Errorf("impact: table %q: %w", s, err)
	}
	if len(parts) > 3 {
		return nil, false, fmt.Errorf("impact: table %q: want table, schema.table or database.schema.table", s)
	}
	parts = parts[max(0, len(parts)-2):]
	if len(parts) == 1 {
		parts = append([]namePart{{}}, parts...)
	}
	var out [][2]string
	folded := false
	for _, sc := range parts[0].spellings() {
		for _, n := range parts[1].spellings() {
			out = append(out, [2]string{sc, n})
		}
	}
	folded = len(out) > 1
	return out, folded, nil
}

func parseColumn(s string) ([]string, bool, error) {
	parts, err := splitName(s)
	if err != nil {
		return nil, false, fmt.Errorf("impact: column %q: %w", s, err)
	}
	if len(parts) != 1 {
		return nil, false, fmt.Errorf("impact: column %q: pass the column name alone, the table in table", s)
	}
	sp := parts[0].spellings()
	return sp, len(sp) > 1, nil
}

type namePart struct {
	text   string
	quoted bool
}

// spellings returns the names a part matches: a quoted part as is; an
// unquoted one folded to lower case and, when that differs, as written.
func (p namePart) spellings() []string {
	if p.quoted || p.text == "" {
		return []string{p.text}
	}
	if l := strings.ToLower(p.text); l != p.text {
		return []string{l, p.text}
	}
	return []string{p.text}
}

// splitName splits a dotted name; inside double quotes "" is a quote and a
// dot is a plain character.
func splitName(s string) ([]namePart, error) {
	var parts []namePart
	rest := strings.TrimSpace(s)
	for {
		var p namePart
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(rest[i:], '"')
				if j < 0 {
					return nil, errors.New("unterminated double quote")
				}
				b.WriteString(rest[i : i+j])
				i += j + 1
				if i < len(rest) && rest[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			p = namePart{text: b.String(), quoted: true}
			rest = strings.TrimSpace(rest[i:])
			if rest != "" && rest[0] != '.' {
				return nil, errors.New(`unexpected text after a quoted name; write a.b or "a"."b"`)
			}
		} else {
			end := strings.IndexAny(rest, `."`)
			if end < 0 {
				end = len(rest)
			}
			if end < len(rest) && rest[end] == '"' {
				return nil, errors.New("a double quote inside an unquoted name; quote the whole part")
			}
			p = namePart{text: strings.TrimSpace(rest[:end])}
			rest = rest[end:]
		}
		if p.text == "" {
			return nil, errors.New("empty name part")
		}
		parts = append(parts, p)
		if rest == "" {
			return parts, nil
		}
		rest = strings.TrimSpace(rest[1:])
		if rest == "" {
			return nil, errors.New("ends with a dot")
		}
	}
}

// ---- the walk ----
