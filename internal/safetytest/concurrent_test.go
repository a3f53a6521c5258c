package safetytest

import (
	"strings"
	"testing"
	"time"
)

// longAttack runs for as long as the timeout allows on either engine.
const longAttack = "SELECT count(*) FROM generate_series(1, 1000000000000) a"

// longTimeoutMS is long enough for the quick calls to finish many times
// over while the attack still runs.
const longTimeoutMS = 4000

func TestPostgresAnswersDuringLongQuery(t *testing.T) {
	s := newSuite(t, "postgres")
	// The suite connection has one pooled backend, which the attack holds;
	// a second connection to the same database must still answer.
	s.srv.mustCall(t, "add_connection", map[string]any{"name": "pg2", "engine": "postgres", "dsn": s.pg.dsn})
	s.answersDuringLongQuery(t, "pg2")
	// The timeout reached the database: no backend still runs the attack.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		err := s.pg.admin.QueryRow(t.Context(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND query LIKE '%generate_series(1, 1000000000000)%'
			AND pid <> pg_backend_pid()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends still run the attack after its call returned", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.checkAfter(t)
}

func TestDuckDBAnswersDuringLongQuery(t *testing.T) {
	s := newSuite(t, "duckdb")
	s.answersDuringLongQuery(t, duckConn)
	s.checkAfter(t)
}

// answersDuringLongQuery starts longAttack on the suite connection and,
// while it runs, makes quick calls that must all return before it ends.
// The attack itself must end at its timeout with a clear error.
func (s *suite) answersDuringLongQuery(t *testing.T, quickConn string) {
	t.Helper()
	type answer struct {
		r   result
		err error
		end time.Time
	}
	done := make(chan answer, 1)
	go func() {
		r, err := s.srv.callRaw(t.Context(), "execute_sql",
			map[string]any{"connection": s.conn, "sql": longAttack, "timeout_ms": longTimeoutMS})
		done <- answer{r, err, time.Now()}
	}()
	time.Sleep(200 * time.Millisecond) // let the attack reach the database

	quick := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"list_connections", nil, s.conn},
		{"execute_sql", map[string]any{"connection": quickConn, "sql": "SELECT 40 + 2 AS answer"}, "42"},
		{"query_history", map[string]any{"limit": 5}, "execute_sql"},
		{"execute_sql", map[string]any{"connection": quickConn, "sql": "SELECT count(*) AS n FROM canary"}, "100"},
	}
	for _, q := range quick {
		r := s.srv.call(t.Context(), t, q.tool, q.args)
		if r.isError || !strings.Contains(r.text, q.want) {
			t.Errorf("%s while a long query runs: %s", q.tool, r.text)
		}
	}
	quickEnd := time.Now()

	var long answer
	select {
	case long = <-done:
	case <-time.After(longTimeoutMS*time.Millisecond + 10*time.Second):
		t.Fatal("the long query did not end at its timeout")
	}
	if long.err != nil {
		t.Fatal(long.err)
	}
	s.srv.checkSecrets(t, "execute_sql", long.r.text, long.r.structured)
	if long.end.Before(quickEnd) {
		t.Fatalf("the long query ended before the quick calls did, so they did not run alongside it: %s", long.r.text)
	}
	if o := (observed{isError: long.r.isError, errText: long.r.text, verdict: s.srv.verdictOf(t, longAttack)}); o.judge(limited) != "" {
		t.Errorf("the long query: %s", o.judge(limited))
	}
}

// verdictOf returns the query log verdict of the newest call with sqlText.
func (s *server) verdictOf(t *testing.T, sqlText string) string {
	t.Helper()
	for _, e := range history(t, s.mustCall(t, "query_history", map[string]any{"limit": 20})) {
		if e.SQL == sqlText {
			return e.Verdict
		}
	}
	t.Fatalf("the query log has no entry for %q", sqlText)
	return ""
}
