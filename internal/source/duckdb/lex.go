package duckdb

import (
	"strings"

	"github.com/iopsdata/iopsdata/internal/source"
)

// tokKind classifies what lexSQL found.
type tokKind int

const (
	tokWord   tokKind = iota // keyword or bare identifier
	tokString                // '...', E'...', $$...$$, $tag$...$tag$
	tokQuoted                // "quoted identifier"
	tokNumber
	tokParam // $1
	tokPunct // any other single character
)

type token struct {
	kind tokKind
	text string
}

// lexSQL splits sqlText into tokens the way DuckDB's (PostgreSQL-derived)
// scanner does, as far as telling words from literals goes: comments
// ("--" to the end of the line and nested "/* */") are dropped; strings,
// escape strings, dollar-quoted strings and quoted identifiers are single
// tokens, so a keyword inside them is never a word. Unterminated comments
// and literals are an error rather than a guess.
func lexSQL(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		var n int
		var kind tokKind
		switch {
		case isSpace(c):
			i++
			continue
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexAny(s[i:], "\n\r")
			if j < 0 {
				return toks, nil
			}
			i += j
			continue
		case strings.HasPrefix(s[i:], "/*"):
			n = blockComment(s[i:])
			if n < 0 {
				return nil, unterminated("comment")
			}
			i += n
			continue
		case c == '\'':
			kind, n = tokString, quoted(s[i:], '\'', false)
		case (c == 'e' || c == 'E') && i+1 < len(s) && s[i+1] == '\'':
			kind, n = tokString, quoted(s[i+1:], '\'', true)+1
		case c == '"':
			kind, n = tokQuoted, quoted(s[i:], '"', false)
		case c == '$':
			kind, n = dollar(s[i:])
		case isWordStart(c):
			kind, n = tokWord, 1
			for i+n < len(s) && isWordPart(s[i+n]) {
				n++
			}
		case isDigit(c) || c == '.' && i+1 < len(s) && isDigit(s[i+1]):
			kind, n = tokNumber, 1
			for i+n < len(s) && (isWordPart(s[i+n]) || s[i+n] == '.') {
				n++
			}
		default:
			kind, n = tokPunct, 1
		}
		if n <= 0 {
			return nil, unterminated("string, quoted identifier or dollar-quoted string")
		}
		toks = append(toks, token{kind: kind, text: s[i : i+n]})
		i += n
	}
	return toks, nil
}

func unterminated(what string) error {
	return &source.Error{Kind: source.KindSyntax, Message: "the statement has an unterminated " + what}
}

// blockComment returns the length of the nested comment at the start of
// s, or -1 when it does not end.
func blockComment(s string) int {
	depth := 0
	for i := 0; i+1 < len(s); i++ {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			depth++
			i++
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i++
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// quoted returns the length of the literal opened by q at the start of s,
// where a doubled q stands for itself and, in escape strings, a backslash
// escapes the next byte; -1 when it does not end.
func quoted(s string, q byte, backslash bool) int {
	for i := 1; i < len(s); i++ {
		switch {
		case backslash && s[i] == '\\':
			i++
		case s[i] == q && i+1 < len(s) && s[i+1] == q:
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return -1
}

// dollar lexes "$1", "$$...$$" and "$tag$...$tag$"; a lone "$" is punctuation.
func dollar(s string) (tokKind, int) {
	n := 1
	if n < len(s) && isDigit(s[n]) {
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		return tokParam, n
	}
	for n < len(s) && s[n] != '$' && (isWordStart(s[n]) || n > 1 && isDigit(s[n])) {
		n++
	}
	if n >= len(s) || s[n] != '$' {
		return tokPunct, 1
	}
	tag := s[:n+1]
	end := strings.Index(s[n+1:], tag)
	if end < 0 {
		return tokString, -1
	}
	return tokString, n + 1 + end + len(tag)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordStart accepts ASCII letters, '_' and any byte of a multi-byte
// UTF-8 character, as PostgreSQL's scanner does.
func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isWordPart(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' }
