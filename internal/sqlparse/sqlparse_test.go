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
		{"COMMIT; DROP TABLE t", []string{"commit", "drop table"}, false},
		{"VALUES (1)", []string{"select"}, false},
		{"TABLE t", []string{"select"}, false},
		{"SET TRANSACTION READ WRITE", []string{"set transaction"}, false},
		{"RESET ALL", []string{"reset"}, false},
		{"START TRANSACTION", []string{"start transaction"}, false},
		{"CREATE MATERIALIZED VIEW v AS SELECT 1", []string{"create materialized view"}, false},
		{"REVOKE ALL ON t FROM u", []string{"revoke"}, false},
		{"VACUUM t", []string{"vacuum"}, false},
		{"ANALYZE t", []string{"analyze"}, false},
		{"ALTER VIEW v RENAME TO w", []string{"alter view"}, false},
		{"EXPLAIN ANALYZE DELETE FROM t", []string{"explain"}, true},
		{"EXPLAIN (ANALYZE false) SELECT 1", []string{"explain"}, false},
		{"EXPLAIN (ANALYZE, BUFFERS) SELECT 1", []string{"explain"}, true},
		{"SHOW search_path", []string{"show"}, false},
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
	for _, sql := range []string{"SELECT 1\x00; DROP TABLE t", "SELECT '\xff'"} {
		if _, err := Parse(sql); !errors.As(err, &se) {
			t.Errorf("%q: %v, want a syntax error", sql, err)
		}
		if _, err := Inspect(sql); !errors.As(err, &se) {
			t.Errorf("Inspect %q: %v, want a syntax error", sql, err)
		}
	}
	if Fingerprint("SELEC 1") != "" {
		t.Fatal("fingerprint of garbage")
	}
}

func TestInspect(t *testing.T) {
	cases := []struct {
		sql  string
		n    int
		fail error
	}{
		{"SELECT 1", 1, nil},
		{"SELECT 1;", 1, nil},
		{"SELECT ';' -- ;\n", 1, nil},
		{"SELECT $$;$$", 1, nil},
		{"SELECT 1; SELECT 2", 2, nil},
		{"COMMIT; DROP TABLE t", 2, nil},
		{"/* c */ -- x\n", 0, ErrEmpty},
		{"", 0, ErrEmpty},
	}
	for _, c := range cases {
		s, err := Inspect(c.sql)
		if c.fail != nil {
			if !errors.Is(err, c.fail) {
				t.Errorf("%q: err %v, want %v", c.sql, err, c.fail)
			}
			continue
		}
		if err != nil || s.Statements != c.n || s.Fingerprint == "" {
			t.Errorf("%q: %+v %v, want %d statements", c.sql, s, err, c.n)
		}
		if full, err := Parse(c.sql); err != nil || len(full.Statements) != c.n || Fingerprint(c.sql) != s.Fingerprint {
			t.Errorf("%q: Parse disagrees: %+v %v", c.sql, full, err)
		}
	}
	var se *SyntaxError
	if _, err := Inspect("SELECT FROM WHERE ("); !errors.As(err, &se) || se.Position == 0 {
		t.Errorf("syntax error: %#v", err)
	}
}

func FuzzInspectAgreesWithParse(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT 1; SELECT 2", "", "--", "SELECT ';'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		s, err1 := Inspect(sql)
		p, err2 := Parse(sql)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Inspect err %v, Parse err %v", err1, err2)
		}
		if err1 == nil && s.Statements != len(p.Statements) {
			t.Fatalf("Inspect %d statements, Parse %d", s.Statements, len(p.Statements))
		}
	})
}
