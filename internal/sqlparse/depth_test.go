package sqlparse

import (
	"errors"
	"strings"
	"testing"
)

// TestDeepStatementsAreRefusedNotCrashed: left-deep chains long enough to
// overflow pg_query's C stack (these sizes crashed the process before
// checkNesting) are refused, while long flat lists still parse.
func TestDeepStatementsAreRefusedNotCrashed(t *testing.T) {
	deep := map[string]string{
		"plus":    "SELECT 1" + strings.Repeat(" + 1", 100000),
		"isnull":  "SELECT 1" + strings.Repeat(" ISNULL", 130000),
		"joins":   "SELECT 1 FROM t0" + strings.Repeat(" JOIN t ON true", 60000),
		"casts":   "SELECT 1" + strings.Repeat("::int", 200000),
		"unions":  "SELECT 1" + strings.Repeat(" UNION SELECT 1", 60000),
		"collate": "SELECT 'a'" + strings.Repeat(` COLLATE "C"`, 80000),
		"nested":  "SELECT " + strings.Repeat("f(", 6000) + "1" + strings.Repeat(")", 6000),
	}
	for name, sql := range deep {
		if _, err := Parse(sql); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: Parse: %v, want ErrTooDeep", name, err)
		}
		if _, err := Inspect(sql); !errors.Is(err, ErrTooDeep) {
			t.Errorf("%s: Inspect: %v, want ErrTooDeep", name, err)
		}
		if fp := Fingerprint(sql); fp != "" {
			t.Errorf("%s: fingerprint of a refused text: %s", name, fp)
		}
	}
	values := make([]string, 50000)
	for i := range values {
		values[i] = "(1, 'x')"
	}
	flat := map[string]string{
		"in list":    "SELECT * FROM t WHERE id IN (" + strings.Repeat("12345, ", 50000) + "1)",
		"values":     "VALUES " + strings.Join(values, ", "),
		"long chain": "SELECT 1" + strings.Repeat(" + 1", MaxNesting/2-2),
		"comments":   "/*" + strings.Repeat(" x", 20000) + " */ SELECT 1",
	}
	for name, sql := range flat {
		if _, err := Parse(sql); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
