package sqlguard

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

func TestErrorsMatchSentinels(t *testing.T) {
	cases := []struct {
		sql  string
		want []error
		not  []error
	}{
		{"DROP TABLE t", []error{ErrRefused, ErrNotReadOnly}, []error{ErrFunction}},
		{"SELECT * FROM t FOR UPDATE", []error{ErrRefused, ErrNotReadOnly}, []error{ErrFunction}},
		{"SELECT pg_read_file('/etc/passwd')", []error{ErrRefused, ErrFunction}, []error{ErrNotReadOnly}},
		{"SELECT 1; SELECT 2", []error{ErrRefused}, []error{ErrNotReadOnly, ErrFunction}},
		{"SELEC 1", []error{ErrRefused}, []error{ErrNotReadOnly}},
	}
	for _, c := range cases {
		err := CheckSQL(c.sql, Policy{}).Err()
		for _, w := range c.want {
			if !errors.Is(err, w) {
				t.Errorf("%q: %v does not match %v", c.sql, err, w)
			}
		}
		for _, n := range c.not {
			if errors.Is(err, n) {
				t.Errorf("%q: %v matches %v", c.sql, err, n)
			}
		}
	}
	if err := CheckSQL("SELECT 1", Policy{}).Err(); err != nil {
		t.Errorf("allowed decision has error %v", err)
	}
}

func TestWritePolicy(t *testing.T) {
	dml := Policy{Writes: []sqlparse.Class{sqlparse.ClassDML}}
	for sql, want := range map[string]bool{
		"INSERT INTO t VALUES (1)":                              true,
		"WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d": true,
		"SELECT * FROM t FOR UPDATE":                            true,
		"EXPLAIN ANALYZE UPDATE t SET a = 1":                    true,
		"DROP TABLE t":                                          false,
		"SELECT * INTO x FROM t":                                false,
		"COMMIT":                                                false,
		"SET search_path = x":                                   false,
		"INSERT INTO t SELECT pg_read_file('x')":                false,
	} {
		if got := CheckSQL(sql, dml).Allowed; got != want {
			t.Errorf("dml policy, %q: allowed=%v, want %v", sql, got, want)
		}
	}
}

func TestFunctionStatus(t *testing.T) {
	cases := []struct {
		schema, name string
		want         Status
	}{
		{"", "pg_read_file", StatusDenied},
		{"pg_catalog", "pg_read_file", StatusDenied},
		{"evil", "PG_READ_FILE", StatusDenied},
		{"", "lo_export", StatusDenied},
		{"", "dblink_exec", StatusDenied},
		{"", "pg_try_advisory_xact_lock", StatusDenied},
		{"", "ts_stat", StatusDenied}, // ts_ is a safe prefix; denial wins
		{"", "lower", StatusSafe},
		{"pg_catalog", "jsonb_path_query", StatusSafe},
		{"myschema", "lower", StatusUnknown},
		{"", "LOWER", StatusUnknown}, // quoted: not the built-in
		{"", "my_func", StatusUnknown},
	}
	for _, c := range cases {
		if got := FunctionStatus(c.schema, c.name); got != c.want {
			t.Errorf("%s.%s: %s, want %s", c.schema, c.name, got, c.want)
		}
	}
}

func TestResolve(t *testing.T) {
	d := CheckSQL("SELECT vol_fn(x), imm_fn(x), lower(x), pg_catalog.upper(x) FROM t WHERE a ### b", Policy{})
	if !d.Allowed {
		t.Fatal(d.Message)
	}
	names := func(d Decision) (out []string) {
		for _, r := range d.Lookups {
			out = append(out, r.String())
		}
		return out
	}
	if got, want := names(d), []string{"vol_fn", "imm_fn", "lower", "###"}; !slices.Equal(got, want) {
		t.Fatalf("lookups %v, want %v (pg_catalog.upper needs none)", got, want)
	}
	r := Resolve(d, Policy{}, fakeCatalog)
	if r.Allowed || r.Reason != ReasonVolatileFunction || !strings.Contains(r.Message, "vol_fn") {
		t.Fatalf("volatile function: %+v", r)
	}
	r = Resolve(d, Policy{AllowVolatile: []string{"VOL_FN"}}, fakeCatalog)
	if r.Allowed || r.Reason != ReasonVolatileOperator {
		t.Fatalf("allow-listed function, volatile operator: %+v", r)
	}
	r = Resolve(d, Policy{AllowVolatile: []string{"vol_fn", "###"}}, fakeCatalog)
	if !r.Allowed {
		t.Fatalf("all allowed: %+v", r)
	}
	none := func(Ref) Volatility { return Volatility{} }
	if r := Resolve(d, Policy{}, none); !r.Allowed {
		t.Fatalf("nothing volatile: %+v", r)
	}
}

// FuzzCheckSQL: whatever the text, the guard does not panic, and when it
// allows a statement the parser's facts say that statement only reads.
func FuzzCheckSQL(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/query.sql")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		d := CheckSQL(sql, Policy{})
		if !d.Allowed {
			if d.Reason == "" || d.Message == "" {
				t.Fatalf("refusal without reason or message: %+v", d)
			}
			return
		}
		facts, err := sqlparse.Parse(sql)
		if err != nil {
			t.Fatalf("allowed SQL that does not parse: %v", err)
		}
		assertReadOnly(t, facts)
		everything := func(Ref) Volatility { return Volatility{Volatile: true, VolatileOutside: true} }
		if r := Resolve(d, Policy{}, everything); r.Allowed && len(d.Lookups) > 0 {
			t.Fatalf("volatile lookups allowed: %v", d.Lookups)
		}
	})
}

// FuzzCheckFacts builds facts from fuzz bytes, including combinations the
// parser never produces, and checks the read-only property directly.
func FuzzCheckFacts(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0}, "lower")
	f.Add([]byte{2, 1, 0, 3}, "pg_read_file")
	f.Add([]byte{2, 0, 1, 0, 1}, "x")
	f.Fuzz(func(t *testing.T, b []byte, fn string) {
		next := func() int {
			if len(b) == 0 {
				return 0
			}
			v := int(b[0])
			b = b[1:]
			return v
		}
		kinds := []string{"select", "show", "explain", "insert", "update", "delete", "merge", "set", "commit", "drop table", "copy", "call", "do", "lock", "unknown"}
		classes := []sqlparse.Class{sqlparse.ClassRead, sqlparse.ClassDML, sqlparse.ClassDDL, sqlparse.ClassAdmin, sqlparse.ClassSession, sqlparse.ClassTransaction, sqlparse.ClassUtility, "bogus"}
		var build func(depth int) sqlparse.Statement
		build = func(depth int) sqlparse.Statement {
			st := sqlparse.Statement{Kind: kinds[next()%len(kinds)], Class: classes[next()%len(classes)]}
			flags := next()
			st.Into, st.Analyze = flags&1 != 0, flags&2 != 0
			if flags&4 != 0 {
				st.Locking = []string{"FOR SHARE"}
			}
			if flags&8 != 0 {
				st.Nested = []string{kinds[next()%len(kinds)]}
			}
			if flags&16 != 0 {
				st.Functions = []sqlparse.Function{{Name: fn}}
			}
			if flags&64 != 0 {
				st.Fields = []string{fn}
			}
			if flags&32 != 0 && depth < 3 {
				in := build(depth + 1)
				st.Inner = &in
			}
			return st
		}
		facts := sqlparse.Facts{}
		for n := next()%3 + 1; n > 0; n-- {
			facts.Statements = append(facts.Statements, build(0))
		}
		if Check(facts, Policy{}).Allowed {
			assertReadOnly(t, facts)
		}
	})
}

// assertReadOnly fails unless facts hold one statement that only reads.
func assertReadOnly(t *testing.T, facts sqlparse.Facts) {
	t.Helper()
	if len(facts.Statements) != 1 || facts.AmbiguousString {
		t.Fatalf("allowed %d statements (ambiguous %v)", len(facts.Statements), facts.AmbiguousString)
	}
	var check func(st *sqlparse.Statement, runs bool)
	check = func(st *sqlparse.Statement, runs bool) {
		for _, fn := range st.Functions {
			if _, bad := denied(fn.Name); bad {
				t.Fatalf("allowed a call of denied %s", fn.Name)
			}
		}
		for _, f := range st.Fields {
			if _, bad := denied(f); bad {
				t.Fatalf("allowed x.%s, a call of a denied function", f)
			}
		}
		switch st.Kind {
		case "select", "show":
			if runs && (st.Into || len(st.Locking) > 0 || len(st.Nested) > 0) {
				t.Fatalf("allowed a writing query: %+v", st)
			}
		case "explain":
			if st.Inner == nil {
				t.Fatal("allowed EXPLAIN of nothing")
			}
			if st.Analyze && st.Inner.Kind != "select" && st.Inner.Kind != "show" {
				t.Fatalf("allowed EXPLAIN ANALYZE of %s", st.Inner.Kind)
			}
			check(st.Inner, runs && st.Analyze)
			return
		default:
			if runs {
				t.Fatalf("allowed a %s statement", st.Kind)
			}
			if !isDML(st.Kind) {
				t.Fatalf("allowed EXPLAIN of %s", st.Kind)
			}
		}
		if runs && st.Class != sqlparse.ClassRead && st.Kind != "show" {
			t.Fatalf("allowed a statement of class %s", st.Class)
		}
	}
	check(&facts.Statements[0], true)
}
