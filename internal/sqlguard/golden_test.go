package sqlguard

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/sqlparse"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.txt from the guard's output")

// The golden cases: testdata/<case>/query.sql is checked (and resolved
// against fakeCatalog) under the policy in the optional policy.txt, and
// the outcome must equal want.txt. Case names start with attack- (must be
// refused) or legit- (must be allowed), so -update cannot silently bless a
// wrong verdict.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/query.sql")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	attacks, legit := 0, 0
	for _, q := range dirs {
		dir := filepath.Dir(q)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			sql, err := os.ReadFile(q)
			if err != nil {
				t.Fatal(err)
			}
			p := readPolicy(t, filepath.Join(dir, "policy.txt"))
			d := Resolve(CheckSQL(string(sql), p), p, fakeCatalog)
			got := render(d)
			switch {
			case strings.HasPrefix(name, "attack-"):
				attacks++
				if d.Allowed {
					t.Errorf("attack allowed:\n%s", sql)
				}
			case strings.HasPrefix(name, "legit-"):
				legit++
				if !d.Allowed {
					t.Errorf("legitimate query refused: %s\n%s", d.Message, sql)
				}
			default:
				t.Fatalf("case name must start with attack- or legit-")
			}
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		})
	}
	t.Logf("%d attack cases, %d legitimate cases", attacks, legit)
	if attacks < 120 || legit < 50 {
		t.Errorf("the suite needs at least 120 attack and 50 legitimate cases; has %d and %d", attacks, legit)
	}
}

// render is the want.txt form of a decision.
func render(d Decision) string {
	var b strings.Builder
	if d.Allowed {
		b.WriteString("allowed\n")
	} else {
		fmt.Fprintf(&b, "refused: %s\n", d.Reason)
	}
	if d.Kind != "" {
		fmt.Fprintf(&b, "kind: %s (%s)\n", d.Kind, d.Class)
	}
	if !d.Allowed {
		fmt.Fprintf(&b, "message: %s\n", d.Message)
		return b.String()
	}
	if len(d.Lookups) > 0 {
		var refs []string
		for _, r := range d.Lookups {
			s := r.String()
			switch {
			case r.Operator:
				s += " (operator)"
			case r.Attribute:
				s = "." + s
			case r.Builtin:
				s += " (builtin)"
			}
			refs = append(refs, s)
		}
		fmt.Fprintf(&b, "lookups: %s\n", strings.Join(refs, ", "))
	}
	return b.String()
}

// readPolicy reads lines "writes dml ddl" and "allow_volatile f g".
func readPolicy(t *testing.T, path string) Policy {
	var p Policy
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return p
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "writes":
			for _, c := range f[1:] {
				p.Writes = append(p.Writes, sqlparse.Class(c))
			}
		case "allow_volatile":
			p.AllowVolatile = append(p.AllowVolatile, f[1:]...)
		default:
			t.Fatalf("%s: unknown policy line %q", path, line)
		}
	}
	return p
}

// fakeCatalog stands in for a connection's pg_proc and pg_operator:
// functions named vol_* are user-defined and volatile (also as t.vol_x); random and friends
// are volatile in pg_catalog only; initcap also has a volatile overload in
// another schema; the operator ### is backed by a volatile function.
func fakeCatalog(r Ref) Volatility {
	n := strings.ToLower(r.Name)
	switch {
	case r.Operator:
		return Volatility{Volatile: n == "###", VolatileOutside: n == "###"}
	case r.Attribute: // one-argument functions only
		v := strings.HasPrefix(n, "vol_")
		return Volatility{Volatile: v, VolatileOutside: v}
	case strings.HasPrefix(n, "vol_"), n == "send_email", n == "refresh_cache":
		return Volatility{Volatile: true, VolatileOutside: true}
	case n == "initcap":
		return Volatility{Volatile: true, VolatileOutside: true}
	case n == "random", n == "clock_timestamp", n == "gen_random_uuid", n == "pg_sleep",
		n == "pg_relation_size", n == "currval", n == "pg_stat_clear_snapshot", n == "system":
		return Volatility{Volatile: true}
	}
	return Volatility{}
}
