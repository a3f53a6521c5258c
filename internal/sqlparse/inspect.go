package sqlparse

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Summary is the cheap view of a SQL text used on every call: how many
// statements it holds and its fingerprint. It costs a scan and one parse in
// C (a few µs), where Parse also builds the Go tree (tens of µs).
type Summary struct {
	Statements  int
	Fingerprint string
}

// Inspect counts the statements in sql and fingerprints it. It returns
// ErrEmpty for blank text, ErrTooDeep for a statement nesting deeper than
// MaxNesting and a *SyntaxError for text that does not parse.
func Inspect(sql string) (Summary, error) {
	if err := checkText(sql); err != nil {
		return Summary{}, err
	}
	parts, err := pg_query.SplitWithScanner(sql, true)
	if err != nil {
		return Summary{}, syntaxError(err)
	}
	n := 0
	for _, p := range parts {
		if p != "" {
			n++
		}
	}
	fp, err := pg_query.Fingerprint(sql)
	if err != nil {
		return Summary{}, syntaxError(err)
	}
	if n == 0 {
		return Summary{}, ErrEmpty
	}
	return Summary{Statements: n, Fingerprint: fp}, nil
}
