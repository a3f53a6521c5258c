package catalog

import (
	"fmt"
	"strings"
)

// namePart is one dot-separated part of a table name as the caller wrote it.
type namePart struct {
	text   string
	quoted bool // written in double quotes: matches exactly
}

// parseName splits "table", "schema.table", `"My Table"` or
// `"sales"."Order Items"` into parts. Inside double quotes, "" is a quote
// and dots are plain characters. Unquoted parts are trimmed and may hold
// spaces (`sales.Order Items`), so a model's unquoted guess still resolves.
func parseName(s string) ([]namePart, error) {
	bad := func(why string) error { return fmt.Errorf("%w: table name %q: %s", ErrInvalid, s, why) }
	var parts []namePart
	rest := strings.TrimSpace(s)
	if rest == "" {
		return nil, bad("empty")
	}
	for {
		var p namePart
		if strings.HasPrefix(rest, `"`) {
			text, n, ok := unquote(rest)
			if !ok {
				return nil, bad("unterminated double quote")
			}
			p = namePart{text: text, quoted: true}
			rest = strings.TrimSpace(rest[n:])
			if rest != "" && rest[0] != '.' {
				return nil, bad("unexpected text after a quoted name; write a.b or \"a\".\"b\"")
			}
		} else {
			end := strings.IndexAny(rest, `."`)
			if end < 0 {
				end = len(rest)
			}
			if end < len(rest) && rest[end] == '"' {
				return nil, bad("a double quote inside an unquoted name; quote the whole part")
			}
			p = namePart{text: strings.TrimSpace(rest[:end])}
			rest = rest[end:]
		}
		if p.text == "" {
			return nil, bad("empty part")
		}
		parts = append(parts, p)
		if rest == "" {
			break
		}
		rest = strings.TrimSpace(rest[1:]) // the dot
		if rest == "" {
			return nil, bad("ends with a dot")
		}
	}
	if len(parts) > 2 {
		return nil, bad("want table or schema.table")
	}
	return parts, nil
}

// unquote reads a double-quoted identifier at the start of s and returns its
// text and the number of bytes it used.
func unquote(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '"' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// QuoteIdent returns name as an SQL identifier: unchanged when it is a plain
// lower-case identifier and not a reserved word, otherwise in double quotes
// with embedded quotes doubled.
func QuoteIdent(name string) string {
	if isPlainIdent(name) && !reserved[name] {
		return name
	}
	return QuoteAlways(name)
}

// QuoteAlways double-quotes name, doubling embedded quotes. Use it where the
// SQL may be DuckDB's, whose reserved words QuoteIdent does not know.
func QuoteAlways(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '$'):
		default:
			return false
		}
	}
	return true
}

// reserved holds PostgreSQL's reserved key words (and DuckDB's, which are
// nearly the same): as table names they need quotes in SQL.
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric
		authorization binary both case cast check collate collation column concurrently
		constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user default deferrable desc distinct do
		else end except false fetch for foreign freeze from full grant group having ilike
		in initially inner intersect into is isnull join lateral leading left like limit
		localtime localtimestamp natural not notnull null offset on only or order outer
		overlaps placing primary references returning right select session_user similar
		some symmetric system_user table tablesample then to trailing true union unique
		user using variadic verbose when where window with`) {
		m[w] = true
	}
	return m
}()

// foldEqual compares names case-insensitively.
func foldEqual(a, b string) bool {
	return strings.EqualFold(a, b) || strings.ToLower(a) == strings.ToLower(b)
}

// matchName keeps the relations that name parts designate: quoted parts
// exactly, unquoted parts case-insensitively. When that leaves several, the
// ones whose unquoted parts also match exactly win, if any.
func matchName(rels []relation, parts []namePart) []relation {
	schema, table := namePart{}, parts[len(parts)-1]
	if len(parts) == 2 {
		schema = parts[0]
	}
	match := func(p namePart, got string, exact bool) bool {
		switch {
		case p.text == "":
			return true
		case p.quoted || exact:
			return p.text == got
		}
		return foldEqual(p.text, got)
	}
	var loose, exact []relation
	for _, r := range rels {
		if match(schema, r.Schema, false) && match(table, r.Name, false) {
			loose = append(loose, r)
			if match(schema, r.Schema, true) && match(table, r.Name, true) {
				exact = append(exact, r)
			}
		}
	}
	if len(loose) > 1 && len(exact) > 0 {
		return exact
	}
	return loose
}
