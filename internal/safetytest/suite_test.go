// Package safetytest is the public regression suite of the read-only
// safety model (DESIGN §6): golden attack cases and legitimate queries run
// through a real in-process server against real PostgreSQL and DuckDB
// fixtures with canaries. testdata/README.md describes the case format and
// everything each case asserts; -update rewrites want.txt except outcomes.
package safetytest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Connection names in the server under test.
const (
	pgConn   = "pg"
	duckConn = "duck"
)

func TestPostgres(t *testing.T) { runSuite(t, "postgres") }
func TestDuckDB(t *testing.T)   { runSuite(t, "duckdb") }

func runSuite(t *testing.T, engine string) {
	cases := loadCases(t)
	s := newSuite(t, engine)
	for _, c := range cases {
		if slices.Contains(c.engines, engine) {
			t.Run(c.name, func(t *testing.T) { s.run(t, c) })
		}
	}
}

// run executes one case and checks everything testdata/README.md lists.
func (s *suite) run(t *testing.T, c testCase) {
	w, err := readWant(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := make([]string, len(c.calls))
	for i := range c.calls {
		key := c.blockKey(s.engine, i)
		if outcomes[i] = outcomeOf(w.blocks[key]); outcomes[i] == "" {
			t.Fatalf("want.txt has no block %q with an outcome line; add \"# %s\\noutcome: refused|allowed|limited\"", key, key)
		}
		if !c.attack() && outcomes[i] != allowed {
			t.Fatalf("block %q: a legit- case must be allowed", key)
		}
	}
	// Even when a call stops the test, the canaries are checked and
	// restored, so that the next case starts clean.
	defer func() {
		s.checkAfter(t)
		if *update && !t.Failed() {
			if err := w.write(c.dir); err != nil {
				t.Error(err)
			}
		}
	}()
	for i, cl := range c.calls {
		key, outcome := c.blockKey(s.engine, i), outcomes[i]
		o := s.do(t, cl)
		if why := o.judge(outcome); why != "" {
			switch {
			case !c.attack():
				t.Errorf("LEGITIMATE QUERY BROKEN: %s: %s", key, why)
			case outcome == allowed:
				t.Errorf("the probe after the attack failed: %s: %s", key, why)
			default:
				t.Errorf("SECURITY: %s: %s", key, why)
			}
			continue // the golden text of a wrong outcome says nothing more
		}
		got := o.block(outcome, strings.Contains(w.blocks[key], "rows: unchecked\n"))
		if *update {
			w.set(key, got)
		} else if diff := cmp.Diff(w.blocks[key], got); diff != "" {
			t.Errorf("%s: want.txt differs (-want +got); review, then rerun with -update:\n%s", key, diff)
		}
	}
}

// do makes one call, checks that the query log recorded it, and returns
// what happened with paths and names put back as placeholders.
func (s *suite) do(t *testing.T, cl call) observed {
	t.Helper()
	sqlText := s.expand.Replace(cl.SQL)
	args := map[string]any{"connection": s.conn, "sql": sqlText}
	if cl.Analyze {
		args["analyze"] = true
	}
	if cl.TimeoutMS > 0 {
		args["timeout_ms"] = cl.TimeoutMS
	}
	if cl.MaxRows > 0 {
		args["max_rows"] = cl.MaxRows
	}
	r := s.srv.call(t.Context(), t, cl.Tool, args)
	entry := s.srv.lastLogEntry(t, s.conn)
	if entry.Tool != cl.Tool || !sameLoggedSQL(sqlText, entry.SQL) {
		t.Errorf("the query log's newest entry is not this call: %s %.200q", entry.Tool, entry.SQL)
	}
	o := observed{isError: r.isError, verdict: entry.Verdict}
	if r.isError {
		o.errText = s.normalize(r.text)
		if entry.Verdict == "ok" {
			t.Errorf("the call failed but the query log says ok")
		}
		return o
	}
	if cl.Tool == "execute_sql" {
		var out struct {
			Truncated   bool   `json:"truncated"`
			TruncatedBy string `json:"truncated_by"`
		}
		if err := json.Unmarshal([]byte(r.structured), &out); err != nil {
			t.Fatalf("execute_sql structured content: %v", err)
		}
		if out.Truncated {
			o.truncated = out.TruncatedBy
		}
		o.rows = s.normalize(csvRows(r.text))
	}
	return o
}

// Parts of outputs that differ from run to run: object ids the server
// assigns, and DuckDB's echo of the statement around an error position,
// whose window depends on the length of the temporary paths in it.
var (
	objectID    = regexp.MustCompile(`(large object) [0-9]+`)
	duckContext = regexp.MustCompile(`(LINE [0-9]+:) [^\n]*\n *\^`)
)

// normalize puts placeholders back into an output and masks what varies.
func (s *suite) normalize(text string) string {
	text = objectID.ReplaceAllString(text, "$1 <id>")
	text = duckContext.ReplaceAllString(text, "$1 <statement>")
	return s.collapse.Replace(text)
}

// sameLoggedSQL compares the SQL sent with the SQL logged: the same text
// after a JSON round trip (invalid UTF-8 becomes U+FFFD), possibly cut
// with a marker when it is very long.
func sameLoggedSQL(sent, logged string) bool {
	sent = string([]rune(sent))
	if kept, _, cut := strings.Cut(logged, "\n-- [truncated by iopsdata:"); cut {
		return len(kept) > 0 && strings.HasPrefix(sent, kept)
	}
	return sent == logged
}

// checkAfter compares every canary with the baseline and restores what an
// attack changed, so that one breach fails one case.
func (s *suite) checkAfter(t *testing.T) {
	t.Helper()
	if s.pg != nil {
		if got := s.srv.probeSession(t); !cmp.Equal(s.baseSession, got) {
			t.Errorf("SECURITY: session state survived on the pooled connection (-before +after):\n%s", cmp.Diff(s.baseSession, got))
			s.reconnect(t)
		}
		if got := s.pg.state(t); got != s.basePG {
			t.Errorf("SECURITY: PostgreSQL canaries changed (-before +after):\n%s", cmp.Diff(s.basePG, got))
			s.pg.reset(t)
		}
	}
	if got := tree(t, s.dirs); got != s.baseTree {
		t.Errorf("SECURITY: files appeared or changed (-before +after):\n%s", cmp.Diff(s.baseTree, got))
		s.restoreFiles(t)
	}
}

// restoreFiles removes files that appeared and rebuilds the DuckDB fixture.
// It removes only entries missing from the baseline listing, which names
// every file and directory it walked (subdirectories of a non-recursive
// directory included), so nothing that was there before is touched.
func (s *suite) restoreFiles(t *testing.T) {
	t.Helper()
	before := map[string]bool{}
	for _, line := range strings.Split(s.baseTree, "\n") {
		before[strings.Fields(line)[0]] = true
	}
	for _, w := range s.dirs {
		_ = filepath.WalkDir(w.dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || path == w.dir {
				return nil
			}
			rel, _ := filepath.Rel(w.dir, path)
			name := w.label + "/" + rel
			if d.IsDir() {
				name += "/"
			}
			switch {
			case !before[name]:
				t.Logf("removing %s", path)
				os.RemoveAll(path)
			case !d.IsDir() || w.recursive:
				return nil
			}
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		})
	}
	if s.engine == "duckdb" {
		s.srv.mustCall(t, "remove_connection", map[string]any{"name": duckConn})
		writeDuckFixture(t, s.duckPath)
		s.addDuck(t)
	}
	if got := tree(t, s.dirs); got != s.baseTree {
		t.Fatalf("cannot restore the watched files:\n%s", cmp.Diff(s.baseTree, got))
	}
}
