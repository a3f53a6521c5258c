package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

func TestEngine(t *testing.T) {
	s, err := Open(Config{DSN: "postgres://u@127.0.0.1:1/db"})
	if err != nil {
		t.Fatalf("Open does not connect, so an unreachable server is no error: %v", err)
	}
	defer s.Close()
	if s.Engine() != source.Postgres {
		t.Errorf("Engine = %q", s.Engine())
	}
}

func TestMultipleStatementsRefused(t *testing.T) {
	s, _ := openDB(t, "CREATE TABLE t (a int); INSERT INTO t VALUES (1);", nil)
	for _, sql := range []string{"SELECT 1; DROP TABLE t", "SELECT 1; SELECT 2", "DROP TABLE t; SELECT 1"} {
		_, err := s.Query(t.Context(), sql, source.Limits{})
		if source.KindOf(err) != source.KindSyntax {
			t.Errorf("Query(%q) = %v (kind %s), want a syntax error", sql, err, source.KindOf(err))
		}
	}
	if got := scalar(t, s, "SELECT count(*) FROM t"); got != int64(1) {
		t.Errorf("table t has %v rows after the attempts, want 1", got)
	}
}

func TestWritesRefused(t *testing.T) {
	s, _ := openDB(t, "CREATE TABLE t (a int); CREATE SEQUENCE seq;", nil)
	for _, sql := range []string{
		"INSERT INTO t VALUES (1)", "CREATE TABLE u (a int)", "DROP TABLE t", "SELECT nextval('seq')",
		"WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
	} {
		_, err := s.Query(t.Context(), sql, source.Limits{})
		if source.KindOf(err) != source.KindReadOnly {
			t.Errorf("Query(%q) = %v, want kind read_only", sql, err)
		}
	}
}

func TestNoSessionStateSurvives(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.PoolSize = 1 })
	pid := scalar(t, s, "SELECT pg_backend_pid()")
	path := scalar(t, s, "SHOW search_path")
	mustQuery(t, s, "SELECT set_config('search_path', 'elsewhere', false)")
	if got := scalar(t, s, "SHOW search_path"); got != path {
		t.Errorf("after set_config search_path = %v, want %v", got, path)
	}
	if got := scalar(t, s, "SELECT pg_backend_pid()"); got != pid {
		t.Errorf("backend changed from %v to %v: the clean connection was not reused", pid, got)
	}
	// Utility statements (SET, PREPARE …) can leave state that outlives
	// ROLLBACK: their connection is closed, not reused.
	for _, sql := range []string{"SET search_path = elsewhere", "SET SESSION statement_timeout = 1", "PREPARE p AS SELECT 1"} {
		mustQuery(t, s, sql)
		if got := scalar(t, s, "SELECT pg_backend_pid()"); got == pid {
			t.Errorf("the connection that ran %q went back to the pool", sql)
		}
		pid = scalar(t, s, "SELECT pg_backend_pid()")
	}
	// Session advisory locks survive ROLLBACK; the adapter releases them.
	mustQuery(t, s, "SELECT pg_advisory_lock(42)")
	if got := scalar(t, s, "SELECT pg_backend_pid()"); got != pid {
		t.Errorf("backend changed after a SELECT")
	}
	if got := scalar(t, s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"); got != int64(0) {
		t.Errorf("%v advisory locks survived the query", got)
	}
	res := mustQuery(t, s, `SELECT current_setting('search_path'), (SELECT count(*) FROM pg_prepared_statements),
		(SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout')`)
	if got, want := toJSON(t, res.Rows[0]), toJSON(t, []any{path, 0, "0"}); got != want {
		t.Errorf("session state %s, want %s", got, want)
	}
}

func TestRowCap(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.MaxRowsCap = 500 })
	start := time.Now()
	// A set-returning function in the select list streams, so the portal
	// row limit stops the server after 201 rows. (In FROM, PostgreSQL
	// materialises the whole function result before the first row.)
	res, err := s.Query(t.Context(), "SELECT generate_series(1, 1e12) AS g", source.Limits{MaxRows: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 200 || !res.Truncated || res.TruncatedBy != source.TruncatedRows {
		t.Errorf("rows=%d truncated=%v by %q, want 200 rows truncated by max_rows", len(res.Rows), res.Truncated, res.TruncatedBy)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	for _, c := range []struct {
		n, max, want int
		truncated    bool
	}{{200, 200, 200, false}, {201, 200, 200, true}, {0, 5, 0, false}, {1000, 0, 500, true}, {1000, 9999, 500, true}} {
		res, err := s.Query(t.Context(), fmt.Sprintf("SELECT g FROM generate_series(1, %d) g", c.n), source.Limits{MaxRows: c.max})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != c.want || res.Truncated != c.truncated {
			t.Errorf("%d rows, MaxRows %d: got %d truncated=%v, want %d truncated=%v", c.n, c.max, len(res.Rows), res.Truncated, c.want, c.truncated)
		}
		if len(res.Rows) > 0 && res.Rows[len(res.Rows)-1][0] != int64(len(res.Rows)) {
			t.Errorf("last row %v, want %d", res.Rows[len(res.Rows)-1], len(res.Rows))
		}
	}
}

func TestByteCap(t *testing.T) {
	s, _ := openDB(t, "", nil)
	res, err := s.Query(t.Context(), "SELECT g, repeat('x', 100) FROM generate_series(1, 100) g", source.Limits{MaxBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.Rows)
	if !res.Truncated || res.TruncatedBy != source.TruncatedBytes || len(res.Rows) != 9 {
		t.Errorf("rows=%d truncated=%v by %q, want 9 rows truncated by max_bytes", len(res.Rows), res.Truncated, res.TruncatedBy)
	}
	if res.Bytes != len(b) || res.Bytes > 1000 {
		t.Errorf("Bytes = %d, JSON is %d bytes, cap 1000", res.Bytes, len(b))
	}
	// The estimate is exact for plain values of every kind.
	res = mustQuery(t, s, `SELECT g, g::text || '"<&>', g * 1.5::float8, g % 2 = 0, NULL, ARRAY[g, NULL],
		'{"k": [1, 2]}'::jsonb, ROW(g, 'x')::record, now() FROM generate_series(1, 20) g`)
	b, _ = json.Marshal(res.Rows)
	if res.Bytes != len(b) {
		t.Errorf("Bytes = %d, JSON is %d bytes: %s", res.Bytes, len(b), b)
	}
	if res.Elapsed <= 0 {
		t.Errorf("Elapsed = %v", res.Elapsed)
	}
}

func TestArgs(t *testing.T) {
	s, _ := openDB(t, "", nil)
	res := mustQuery(t, s, "SELECT $1::text, $2::int8, $3::bool, $4::text IS NULL, $5::text[], $6::float8",
		"it's", 42, true, nil, []string{`a"b`, `c\d`}, 1.5)
	want := [][]any{{"it's", int64(42), true, true, []any{`a"b`, `c\d`}, 1.5}}
	if diff := cmp.Diff(want, res.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if _, err := s.Query(t.Context(), "SELECT $1", source.Limits{}, struct{}{}); err == nil {
		t.Error("an unsupported argument type was accepted")
	}
}

func TestEmptyAndUtilityStatements(t *testing.T) {
	s, _ := openDB(t, "", nil)
	for _, sql := range []string{"", "  ", "-- nothing"} {
		res := mustQuery(t, s, sql)
		if len(res.Columns) != 0 || len(res.Rows) != 0 || res.Truncated {
			t.Errorf("Query(%q) = %+v, want an empty result", sql, res)
		}
	}
	res := mustQuery(t, s, "SHOW server_version_num")
	if len(res.Rows) != 1 {
		t.Errorf("SHOW gave %v", res.Rows)
	}
	if _, err := s.Query(t.Context(), "SELECT 1\x00; DROP TABLE t", source.Limits{}); source.KindOf(err) != source.KindSyntax {
		t.Errorf("SQL with NUL = %v, want syntax", err)
	}
}

func TestCopyRefused(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.PoolSize = 1 })
	start := time.Now()
	_, err := s.Query(t.Context(), "COPY (SELECT generate_series(1, 1e10)) TO STDOUT", source.Limits{MaxRows: 10})
	if source.KindOf(err) != source.KindUnsupported {
		t.Errorf("COPY TO STDOUT = %v, want unsupported", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("COPY took %v", d)
	}
	if got := scalar(t, s, "SELECT 1"); got != int64(1) {
		t.Errorf("pool broken after COPY: %v", got)
	}
}

func TestStatementTimeout(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.PoolSize = 1 })
	start := time.Now()
	_, err := s.Query(t.Context(), "SELECT pg_sleep(5)", source.Limits{Timeout: 300 * time.Millisecond})
	var se *source.Error
	if !errors.As(err, &se) || se.Kind != source.KindTimeout || se.Code != "57014" {
		t.Fatalf("err = %v, want timeout 57014", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if got := scalar(t, s, "SELECT 1"); got != int64(1) {
		t.Errorf("pool broken after timeout: %v", got)
	}
	if got := scalar(t, s, "SELECT reset_val FROM pg_settings WHERE name = 'statement_timeout'"); got != "0" {
		t.Errorf("session statement_timeout = %v after the query, want 0", got)
	}
	// A context deadline shortens the statement timeout.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := s.Query(ctx, "SELECT pg_sleep(5)", source.Limits{}); source.KindOf(err) != source.KindTimeout {
		t.Errorf("ctx deadline: err = %v, want timeout", err)
	}
}

func TestCancelReachesServer(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.PoolSize = 1 })
	marker := fmt.Sprintf("cancel_%d", time.Now().UnixNano())
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := s.Query(ctx, "SELECT pg_sleep(30) AS "+marker, source.Limits{})
	if source.KindOf(err) != source.KindCanceled {
		t.Fatalf("err = %v, want canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
	probe := openDSN(t, testutil.PGAdminDSN(t), nil)
	deadline := time.Now().Add(3 * time.Second)
	for {
		n := scalar(t, probe, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
			"%pg_sleep(30) AS "+marker)
		if n == int64(0) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the canceled statement is still running on the server")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := scalar(t, s, "SELECT 1"); got != int64(1) {
		t.Errorf("pool broken after cancel: %v", got)
	}
}

func TestConcurrentQueries(t *testing.T) {
	s, _ := openDB(t, "", func(c *Config) { c.PoolSize = 3 })
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				res, err := s.Query(t.Context(), "SELECT $1::int + g FROM generate_series(1, 10) g", source.Limits{}, w*100+i)
				if err != nil {
					errs <- err
					return
				}
				if res.Rows[9][0] != int64(w*100+i+10) {
					errs <- fmt.Errorf("worker %d got %v", w, res.Rows[9][0])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestPing(t *testing.T) {
	s, dsn := openDB(t, "", nil)
	info, err := s.Ping(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.ServerVersion == "" || info.User != "postgres" || !info.Superuser || info.Database == "" {
		t.Errorf("Ping as postgres = %+v", info)
	}
	mid := newRole(t, "NOLOGIN")
	user := newRole(t, "LOGIN")
	admin(t, fmt.Sprintf("GRANT pg_read_server_files TO %s; GRANT %s TO %s", mid, mid, user))
	u := openDSN(t, withUser(t, dsn, user, ""), nil)
	info, err = u.Ping(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := source.Info{ServerVersion: info.ServerVersion, Database: info.Database, User: user, Roles: []string{"pg_read_server_files"}}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("Ping as %s (-want +got):\n%s", user, diff)
	}
}

func TestClosed(t *testing.T) {
	s, _ := openDB(t, "", nil)
	mustQuery(t, s, "SELECT 1")
	s.Close()
	if _, err := s.Query(t.Context(), "SELECT 1", source.Limits{}); err == nil {
		t.Error("Query after Close succeeded")
	}
}
