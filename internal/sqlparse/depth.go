package sqlparse

import (
	"errors"
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// MaxNesting bounds how deep a statement may nest before pg_query sees it.
//
// pg_query's C code builds and prints the parse tree recursively without
// checking its stack, and a left-deep chain (1 + 1 + ... , a JOIN b JOIN c
// ..., x ISNULL ISNULL ...) is as deep as it is long: about 16,000 levels
// of "+ 1" (a few hundred kilobytes of SQL, well under the text limit)
// overflow a 2 MB thread stack and kill the process with SIGSEGV. With
// this bound a tree is at most MaxNesting levels deep, a third of the
// smallest depth that crashed on a 2 MB stack (an eighth on 8 MB).
const MaxNesting = 10000

// ErrTooDeep means the statement nests deeper than MaxNesting.
var ErrTooDeep = errors.New("statement nests too deeply")

// checkNesting returns ErrTooDeep (wrapped) when sql may nest deeper than
// MaxNesting. A tree is never deeper than the text has tokens, so a short
// text passes without scanning. Otherwise tokens are counted along each
// chain: from the start of the innermost list element (after "(" , "[" or
// ",") plus the chains of the enclosing parentheses. The count is an upper
// bound: it also counts tokens of flat lists (CASE branches, AND chains).
func checkNesting(sql string) error {
	if len(sql) <= MaxNesting {
		return nil
	}
	res, err := pg_query.Scan(sql)
	if err != nil {
		return syntaxError(err)
	}
	var stack []int // chain length of each enclosing level, up to its "("
	cur, sum, deepest := 0, 0, 0
	for _, tok := range res.Tokens {
		switch tok.Token {
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			continue
		case pg_query.Token_ASCII_40, pg_query.Token_ASCII_91: // ( [
			stack = append(stack, cur+1)
			sum += cur + 1
			cur = 0
			continue
		case pg_query.Token_ASCII_41, pg_query.Token_ASCII_93: // ) ]
			if n := len(stack); n > 0 {
				cur = stack[n-1]
				sum -= cur
				stack = stack[:n-1]
			}
			continue
		case pg_query.Token_ASCII_44: // ,
			cur = 0
			continue
		case pg_query.Token_ASCII_59: // ;
			stack, cur, sum = stack[:0], 0, 0
			continue
		}
		cur++
		deepest = max(deepest, sum+cur)
		if deepest > MaxNesting {
			return fmt.Errorf("%w: more than %d levels (at character %d); split long chains of operators, joins or UNIONs, or use IN (...) lists",
				ErrTooDeep, MaxNesting, tok.Start+1)
		}
	}
	return nil
}
