package duckdb

import (
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/source"
)

func TestLexSQL(t *testing.T) {
	cases := []struct {
		sql       string
		leading   string // upper-cased leading words
		returning bool   // a bare RETURNING word
	}{
		{"INSERT INTO t VALUES (1)", "INSERT INTO T VALUES", false},
		{"insert into t values (1) returning *", "INSERT INTO T VALUES", true},
		{"/* a /* b */ c */ CREATE MACRO m() AS 1", "CREATE MACRO M", false},
		{"CREATE /* /* */ TABLE */ MACRO m() AS 1", "CREATE MACRO M", false},
		{"-- comment\nDROP TABLE t", "DROP TABLE T", false},
		{"--\rDELETE FROM t", "DELETE FROM T", false},
		{";; INSERT INTO t DEFAULT VALUES", "INSERT INTO T DEFAULT VALUES", false},
		{"(INSERT INTO t)", "", false},
		{`CREATE TABLE "TEMP" (a INT)`, "CREATE TABLE", false},
		{"SELECT 'returning'", "SELECT", false},
		{`SELECT "returning"`, "SELECT", false},
		{"SELECT 'it''s RETURNING'", "SELECT", false},
		{`SELECT E'\' RETURNING'`, "SELECT", false},
		{`SELECT e'a\\' AS returning`, "SELECT", true},
		{"SELECT $$ RETURNING $$", "SELECT", false},
		{"SELECT $a$ x $$ RETURNING $a$", "SELECT", false},
		{"SELECT $1, $2 RETURNING", "SELECT", true},
		{"SELECT a$b$ RETURNING", "SELECT A$B$ RETURNING", true},
		{"SELECT 1e5returning", "SELECT", false},
		{"UPDATE t SET a = 1 -- RETURNING", "UPDATE T SET A", false},
		{"UPDATE t SET a = 1 /* RETURNING */", "UPDATE T SET A", false},
		{"SELECT\u00a0RETURNING", "SELECT\u00a0RETURNING", false},
	}
	for _, c := range cases {
		toks, err := lexSQL(c.sql)
		if err != nil {
			t.Errorf("lexSQL(%q): %v", c.sql, err)
			continue
		}
		if got := strings.Join(leadingWords(toks), " "); got != c.leading {
			t.Errorf("lexSQL(%q): leading words %q, want %q", c.sql, got, c.leading)
		}
		if got := hasWord(toks, "RETURNING"); got != c.returning {
			t.Errorf("lexSQL(%q): RETURNING %v, want %v", c.sql, got, c.returning)
		}
	}
	for _, bad := range []string{"SELECT 'x", "SELECT /* x", "SELECT /* /* */", `SELECT "x`, "SELECT $$ x",
		"SELECT $a$ x $b$", `SELECT E'\'`} {
		if _, err := lexSQL(bad); source.KindOf(err) != source.KindSyntax {
			t.Errorf("lexSQL(%q): %v, want a syntax error", bad, err)
		}
	}
}

func TestPlanWrite(t *testing.T) {
	for sql, want := range map[string]string{
		"insert into t values (1)":              "",
		"WITH x AS (SELECT 1) UPDATE t SET a=1": "",
		"TRUNCATE t":                            "",
		"CREATE OR REPLACE VIEW v AS SELECT 1":  "CREATE VIEW",
		"CREATE UNIQUE INDEX i ON t (a)":        "CREATE INDEX",
		"create table if not exists t (a int)":  "CREATE TABLE",
		"ALTER VIEW v RENAME TO w":              "ALTER VIEW",
		"DROP SEQUENCE IF EXISTS s":             "DROP SEQUENCE",
		"COMMENT ON COLUMN t.a IS 'x'":          "COMMENT",
		"CREATE":                                "error: CREATE is not allowed as a write: no object named",
		"COMMENT t":                             "error: COMMENT is not allowed as a write: expected COMMENT ON",
		"CREATE OR REPLACE TEMP VIEW v":         "error: CREATE TEMP",
		"CREATE UNIQUE":                         "error: CREATE UNIQUE is not allowed",
		"CREATE PERSISTENT SECRET s":            "error: CREATE SECRET",
		"ALTER SCHEMA s RENAME TO t":            "error: ALTER SCHEMA",
		"GRANT SELECT ON t TO u":                "error: GRANT statements are not allowed",
		"FORCE CHECKPOINT":                      "error: FORCE CHECKPOINT",
		";;":                                    "error: empty statement",
		"UPDATE EXTENSIONS":                     "error: UPDATE EXTENSIONS",
		`"INSERT" INTO t VALUES (1)`:            "error: a write starts with a keyword",
	} {
		toks, err := lexSQL(sql)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := planWrite(toks)
		got := plan.ddl
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, want) || want == "" && got != "" {
			t.Errorf("planWrite(%q) = %q, want %q", sql, got, want)
		}
	}
}

// FuzzPlanWrite: lexing and planning never panic, tokens come from the
// input in order, and an accepted plan starts with a write verb.
func FuzzPlanWrite(f *testing.F) {
	for _, s := range []string{"INSERT INTO t VALUES (1)", "CREATE /* /* */ */ TABLE t (a INT)",
		"E'\\''", "$a$ $a$", "COMMENT ON COLUMN t.a IS 'x'", "WITH x AS (SELECT 1) DELETE FROM t",
		"CREATE OR REPLACE TEMP MACRO", "UPDATE EXTENSIONS", "--", "/*", "$1$", "\"\"\""} {
		f.Add(s)
	}
	verbs := map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "TRUNCATE": true, "MERGE": true,
		"WITH": true, "CREATE": true, "ALTER": true, "DROP": true, "COMMENT": true}
	f.Fuzz(func(t *testing.T, sql string) {
		toks, err := lexSQL(sql)
		if err != nil {
			return
		}
		at := 0
		for _, tok := range toks {
			i := strings.Index(sql[at:], tok.text)
			if tok.text == "" || i < 0 {
				t.Fatalf("token %q not found in order in %q", tok.text, sql)
			}
			at += i + len(tok.text)
		}
		plan, err := planWrite(toks)
		if err != nil {
			return
		}
		if words := leadingWords(toks); len(words) == 0 || !verbs[words[0]] || len(plan.types) == 0 {
			t.Fatalf("planWrite(%q) accepted %v with %+v", sql, words, plan)
		}
	})
}
