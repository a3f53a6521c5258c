package sqlparse

import (
	"errors"
	"testing"
)

func TestParseKinds(t *testing.T) {
	cases := []struct {
		sql     string
		kinds   []string
		analyze bool
	}{
		{"SELECT 1", []string{"select"}, false},
		{"-- DROP TABLE x\nSELECT 'COMMIT; DROP'", []string{"select"}, false},
		{"COMMIT; DROP TABLE t", []string{"transaction", "drop"}, false},
		{"EXPLAIN ANALYZE DELETE FROM t", []string{"explain"}, true},
		{"EXPLAIN (ANALYZE false) SELECT 1", []string{"explain"}, false},
		{"EXPLAIN (ANALYZE, BUFFERS) SELECT 1", []string{"explain"}, true},
		{"SHOW search_path", []string{"variableshow"}, false},
		{"WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", []string{"select"}, false},
		{"INSERT INTO t VALUES (1)", []string{"insert"}, false},
	}
	for _, c := range cases {
		f, err := Parse(c.sql)
		if err != nil {
			t.Fatalf("%q: %v", c.sql, err)
		}
		if len(f.Statements) != len(c.kinds) {
			t.Fatalf("%q: %d statements, want %d", c.sql, len(f.Statements), len(c.kinds))
		}
		for i, k := range c.kinds {
			if f.Statements[i].Kind != k {
				t.Errorf("%q: statement %d kind %q, want %q", c.sql, i, f.Statements[i].Kind, k)
			}
		}
		if f.Statements[0].Analyze != c.analyze {
			t.Errorf("%q: analyze=%v", c.sql, f.Statements[0].Analyze)
		}
		if f.Fingerprint == "" {
			t.Errorf("%q: empty fingerprint", c.sql)
		}
	}
}

func TestFingerprintIgnoresConstants(t *testing.T) {
	a, b := Fingerprint("SELECT * FROM t WHERE id = 1"), Fingerprint("select *  from t where id = 42")
	if a == "" || a != b {
		t.Fatalf("fingerprints differ: %q %q", a, b)
	}
	if Fingerprint("SELECT * FROM u WHERE id = 1") == a {
		t.Fatal("different tables share a fingerprint")
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := Parse("  -- only a comment\n"); !errors.Is(err, ErrEmpty) {
		t.Fatalf("blank: %v", err)
	}
	_, err := Parse("SELEC 1")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Position != 1 {
		t.Fatalf("syntax: %#v", err)
	}
	if Fingerprint("SELEC 1") != "" {
		t.Fatal("fingerprint of garbage")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"SELECT 1", "EXPLAIN ANALYZE SELECT 1", "", "$$", "COPY t TO PROGRAM 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		facts, err := Parse(sql)
		if err == nil && len(facts.Statements) == 0 {
			t.Fatal("no statements and no error")
		}
	})
}
