package profile

import (
	"strconv"
	"strings"
)

// Hints say what a column seems to hold.
const (
	HintEmail          = "email"                 // text that looks like email addresses
	HintUUID           = "uuid"                  // text that looks like UUIDs
	HintURL            = "url"                   // text that looks like URLs
	HintDateAsText     = "date_as_text"          // dates or timestamps stored as text
	HintNumberAsText   = "number_as_text"        // numbers stored as text
	HintCandidateKey   = "candidate_key"         // no nulls and every value distinct
	HintConstant       = "constant"              // one distinct value
	HintMostlyNull     = "mostly_null"           // more than 90% nulls
	HintHighCardinText = "high_cardinality_text" // text with mostly distinct values
)

// patterns are matched (whole value) against up to hintSampleRows values of
// each text column. They are written for both PostgreSQL's and RE2's syntax.
var patterns = []struct{ hint, re string }{
	{HintEmail, `^[^@ ]+@[^@ ]+[.][A-Za-z]{2,}$`},
	{HintUUID, `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`},
	{HintURL, `^(https?|ftp)://[^ ]+$`},
	{HintDateAsText, `^([0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})$`},
	{HintNumberAsText, `^ *[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)? *$`},
}

// patternShare is the share of checked values that must match a pattern.
const patternShare = 0.95

// hintQuery is a scalar subquery returning, for each text column, the
// number of non-null values checked and the matches of each pattern, as
// one array; textCols are the indexes of those columns.
func (pl *plan) hintQuery() (string, []int) {
	var proj, items []string
	var textCols []int
	for i, c := range pl.p.Columns {
		if c.kind != kindText {
			continue
		}
		h := "h" + strconv.Itoa(len(textCols))
		textCols = append(textCols, i)
		proj = append(proj, "CAST("+ident(c.Name)+" AS "+pl.d.text+") AS "+h)
		items = append(items, "count("+h+")")
		for _, p := range patterns {
			items = append(items, "count(*) FILTER (WHERE "+pl.d.regex(h, p.re)+")")
		}
	}
	if len(textCols) == 0 {
		return "", nil
	}
	return "(SELECT " + pl.d.array(items) + " FROM (SELECT " + strings.Join(proj, ", ") +
		" FROM " + pl.from + " LIMIT " + strconv.Itoa(hintSampleRows) + ") h)", textCols
}

// hints applies general rules to a profiled column. counts are the pattern
// counts of a text column (nil otherwise).
func hints(c *Column, rows int64, counts []int64) []string {
	var out []string
	if len(counts) == len(patterns)+1 && counts[0] > 0 {
		for j, p := range patterns {
			if float64(counts[j+1]) >= patternShare*float64(counts[0]) {
				out = append(out, p.hint)
			}
		}
	}
	nonNull := rows - c.NullCount
	if rows > 1 && c.NullCount == 0 && isUnique(c, nonNull) {
		out = append(out, HintCandidateKey)
	}
	if rows > 1 && c.DistinctCount == 1 {
		out = append(out, HintConstant)
	}
	if rows > 0 && c.NullFraction > 0.9 {
		out = append(out, HintMostlyNull)
	}
	if (c.kind == kindText || c.kind == kindOther) && c.DistinctCount >= 100 && 2*c.DistinctCount >= nonNull {
		out = append(out, HintHighCardinText)
	}
	return out
}

// isUnique reports whether every non-null value seems distinct: exactly,
// or within 5% when the count is approximate.
func isUnique(c *Column, nonNull int64) bool {
	if nonNull == 0 {
		return false
	}
	if !c.DistinctApprox {
		return c.DistinctCount == nonNull
	}
	return float64(c.DistinctCount) >= 0.95*float64(nonNull)
}
