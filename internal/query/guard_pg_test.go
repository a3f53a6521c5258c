package query

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/sqlguard"
	"github.com/iopsdata/iopsdata/internal/testutil"
	"github.com/iopsdata/iopsdata/store"
)

const guardSetup = `
CREATE TABLE t (a int);
INSERT INTO t VALUES (1), (2), (3);
CREATE TABLE audit_log (at timestamptz DEFAULT now());
CREATE FUNCTION bump(x int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT x + 1';
CREATE FUNCTION twice(x int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT x * 2';
CREATE FUNCTION vol_plus(a int, b int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT a + b';
CREATE OPERATOR ### (LEFTARG = int, RIGHTARG = int, FUNCTION = vol_plus);
CREATE FUNCTION touch(t) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION doubled(t) RETURNS int STABLE LANGUAGE sql AS 'SELECT $1.a * 2';
CREATE FUNCTION anytouch(anyelement) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION vol_sum(s int, x int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT coalesce(s, 0) + x';
CREATE AGGREGATE vol_agg(int) (SFUNC = vol_sum, STYPE = int);
CREATE FUNCTION imm_sum(s int, x int) RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT coalesce(s, 0) + x';
CREATE AGGREGATE imm_agg(int) (SFUNC = imm_sum, STYPE = int);
CREATE SCHEMA app;
CREATE FUNCTION app.lower(x int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT x';
`

// pgRunner is a Runner on a fresh database holding guardSetup, with two
// connections to it: "pg" and "pg_allow", which allow-lists bump.
type pgRunner struct {
	*Runner
	store *store.Store
	admin *pgx.Conn
	mu    sync.Mutex
	now   time.Time
}

func newPGRunner(t *testing.T) *pgRunner {
	t.Helper()
	dsn := testutil.PGDatabase(t, guardSetup)
	home := t.TempDir()
	st, err := store.Open(t.Context(), store.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, c := range []store.Connection{
		{Name: "pg", Engine: "postgres", DSN: dsn, ReadOnly: true},
		{Name: "pg_allow", Engine: "postgres", DSN: dsn, ReadOnly: true, Options: store.ConnOptions{AllowFunctions: []string{"bump"}}},
	} {
		if err := st.AddConnection(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	cm := conns.New(st, conns.Config{Home: home, PoolSize: 2, DefaultTimeout: 10 * time.Second, MaxRowsCap: 1000}, nil, nil)
	t.Cleanup(cm.Close)
	admin, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	p := &pgRunner{Runner: New(cm, st, Limits{}, nil), store: st, admin: admin, now: time.Unix(1e9, 0)}
	p.catalog.now = func() time.Time { p.mu.Lock(); defer p.mu.Unlock(); return p.now }
	return p
}

func (p *pgRunner) advance(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = p.now.Add(d)
}

func (p *pgRunner) run(t *testing.T, conn, sql string) error {
	t.Helper()
	_, err := p.Execute(t.Context(), Request{Connection: conn, SQL: sql})
	return err
}

func TestGuardAgainstPostgres(t *testing.T) {
	p := newPGRunner(t)
	cases := []struct {
		conn, sql string
		refused   error // nil: runs
	}{
		{"pg", "SELECT bump(a) FROM t", sqlguard.ErrFunction},
		{"pg", "SELECT * FROM t WHERE bump(a) > 1", sqlguard.ErrFunction},
		{"pg", "SELECT twice(a) FROM t ORDER BY 1", nil},
		{"pg", "SELECT public.twice(a) FROM t", nil},
		{"pg", "SELECT 1 ### 2", sqlguard.ErrFunction},
		{"pg", "SELECT lower('ABC')", sqlguard.ErrFunction}, // app.lower(int) is volatile and may be reached
		{"pg", "SELECT pg_catalog.lower('ABC')", nil},
		{"pg", "SELECT random() < 2, now() IS NOT NULL, count(*) FROM t", nil},
		{"pg_allow", "SELECT bump(a) FROM t", nil},
		{"pg_allow", "SELECT 1 ### 2", sqlguard.ErrFunction},
		{"pg", "SELECT pg_read_file('/etc/passwd')", sqlguard.ErrFunction},
		{"pg", "SELECT vol_agg(a) FROM t", sqlguard.ErrFunction}, // volatile transition function
		{"pg", "SELECT imm_agg(a) FROM t", nil},
		{"pg", "SELECT length(('PG_VERSION'::text).pg_read_file)", sqlguard.ErrFunction},
		{"pg", "SELECT t.touch FROM t", sqlguard.ErrFunction},                               // attribute notation: touch(t)
		{"pg", "SELECT (1).anytouch", sqlguard.ErrFunction},                                 // anytouch(1)
		{"pg", "SELECT t.a, t.doubled FROM t", nil},                                         // doubled(t) is stable
		{"pg", "SELECT x.random, x.currval FROM (SELECT 1 AS random, 2 AS currval) x", nil}, // columns first
		{"pg", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", sqlguard.ErrNotReadOnly},
	}
	for _, c := range cases {
		err := p.run(t, c.conn, c.sql)
		switch {
		case c.refused == nil && err != nil:
			t.Errorf("%s: %q: %v", c.conn, c.sql, err)
		case c.refused != nil && (!errors.Is(err, c.refused) || !errors.Is(err, ErrRefused)):
			t.Errorf("%s: %q: %v, want refused with %v", c.conn, c.sql, err, c.refused)
		}
	}
	// A function that exists nowhere is the database's to report.
	if err := p.run(t, "pg", "SELECT no_such_function(1)"); err == nil || errors.Is(err, ErrRefused) {
		t.Errorf("unknown function: %v, want a database error", err)
	}
	var n int
	if err := p.admin.QueryRow(t.Context(), "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("canary table changed: %d rows, %v", n, err)
	}
	hist, err := p.store.QueryHistory(t.Context(), store.HistoryFilter{Connection: "pg", Limit: 1})
	if err != nil || len(hist) != 1 {
		t.Fatalf("history: %v %v", hist, err)
	}
	if e := hist[0]; e.Verdict != VerdictError || e.Fingerprint == "" {
		t.Errorf("last entry: %+v", e)
	}
	hist, _ = p.store.QueryHistory(t.Context(), store.HistoryFilter{Connection: "pg", Limit: 50})
	refused := 0
	for _, e := range hist {
		if e.Verdict == VerdictRefused {
			refused++
			if !strings.HasPrefix(e.Error, "refused: ") {
				t.Errorf("refusal logged without its reason: %q", e.Error)
			}
		}
	}
	if refused != 10 {
		t.Errorf("%d refusals logged on pg, want 10", refused)
	}
}

// TestCatalogAnswersExpire: a function dropped and recreated VOLATILE is
// judged by its old definition for at most the TTL, then refused.
func TestCatalogAnswersExpire(t *testing.T) {
	p := newPGRunner(t)
	if err := p.run(t, "pg", "SELECT twice(a) FROM t"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.admin.Exec(t.Context(), `DROP FUNCTION twice(int);
		CREATE FUNCTION twice(x int) RETURNS int VOLATILE LANGUAGE sql AS 'SELECT x * 2'`); err != nil {
		t.Fatal(err)
	}
	p.advance(DefaultCatalogTTL - time.Second)
	if err := p.run(t, "pg", "SELECT twice(a) FROM t"); err != nil {
		t.Fatalf("within the TTL the cached answer holds: %v", err)
	}
	p.advance(2 * time.Second)
	if err := p.run(t, "pg", "SELECT twice(a) FROM t"); !errors.Is(err, sqlguard.ErrFunction) {
		t.Fatalf("after the TTL the new VOLATILE definition must be refused: %v", err)
	}
	if _, err := p.admin.Exec(t.Context(), `DROP FUNCTION twice(int);
		CREATE FUNCTION twice(x int) RETURNS int STABLE LANGUAGE sql AS 'SELECT x * 2'`); err != nil {
		t.Fatal(err)
	}
	p.advance(DefaultCatalogTTL + time.Second)
	if err := p.run(t, "pg", "SELECT twice(a) FROM t"); err != nil {
		t.Fatalf("recreated STABLE: %v", err)
	}
}

func TestExplainIsGuarded(t *testing.T) {
	p := newPGRunner(t)
	ctx := t.Context()
	for _, c := range []struct {
		sql     string
		analyze bool
		refused bool
	}{
		{"SELECT twice(a) FROM t", true, false},
		{"SELECT bump(a) FROM t", false, true},
		{"DELETE FROM t", false, true}, // EXPLAIN only of what may run here
		{"DELETE FROM t", true, true},
		{"SELECT * FROM t FOR UPDATE", true, true},
		{"SELECT pg_ls_dir('.')", false, true},
		{"EXPLAIN SELECT 1", false, true},
		{"SELECT 1; DROP TABLE t", false, true},
		{"VACUUM t", false, true},
	} {
		_, err := p.Explain(ctx, "pg", c.sql, c.analyze)
		if c.refused != errors.Is(err, ErrRefused) || (!c.refused && err != nil) {
			t.Errorf("explain %q (analyze %v): %v, refused want %v", c.sql, c.analyze, err, c.refused)
		}
	}
	var n int
	if err := p.admin.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("canary table changed: %d rows, %v", n, err)
	}
}

// TestSafeVolatileBuiltinsAreListed: every pg_catalog function that is
// volatile yet on the guard's safe list was reviewed and is named here;
// a new one (a newer server, a list change) fails until reviewed.
func TestSafeVolatileBuiltinsAreListed(t *testing.T) {
	p := newPGRunner(t)
	rows, err := p.admin.Query(t.Context(), `SELECT DISTINCT proname FROM pg_proc
		WHERE pronamespace = 'pg_catalog'::regnamespace AND provolatile = 'v' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var unreviewed []string
	for _, n := range names {
		if sqlguard.FunctionStatus("", n) == sqlguard.StatusSafe && !reviewedVolatile[n] {
			unreviewed = append(unreviewed, n)
		}
	}
	if len(unreviewed) > 0 {
		t.Errorf("volatile pg_catalog functions on the safe list without review: %v", unreviewed)
	}
}

// reviewedVolatile are volatile built-ins (PostgreSQL 15) that only read
// or compute: clocks and random numbers, sizes, WAL positions, lock and
// stats views, control-file readers, TABLESAMPLE methods, and pg_sleep
// (bounded by the statement timeout).
var reviewedVolatile = wordSet(`bernoulli system clock_timestamp timeofday random gen_random_uuid
		current_query pg_blocking_pids pg_safe_snapshot_blocking_pids pg_lock_status
		pg_collation_actual_version pg_database_collation_actual_version
		pg_control_checkpoint pg_control_init pg_control_recovery pg_control_system
		pg_current_wal_flush_lsn pg_current_wal_insert_lsn pg_current_wal_lsn
		pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp
		pg_is_in_recovery pg_is_wal_replay_paused pg_get_wal_replay_pause_state pg_jit_available
		pg_last_committed_xact pg_xact_commit_timestamp pg_xact_status txid_status
		pg_database_size pg_relation_size pg_table_size pg_indexes_size pg_tablespace_size
		pg_total_relation_size pg_partition_ancestors pg_partition_tree pg_sequence_last_value
		pg_get_backend_memory_contexts pg_get_multixact_members pg_get_shmem_allocations
		pg_get_wal_resource_managers pg_notification_queue_usage pg_stat_get_recovery_prefetch
		pg_stat_get_xact_blocks_fetched pg_stat_get_xact_blocks_hit pg_stat_get_xact_function_calls
		pg_stat_get_xact_function_self_time pg_stat_get_xact_function_total_time pg_stat_get_xact_numscans
		pg_stat_get_xact_tuples_deleted pg_stat_get_xact_tuples_fetched pg_stat_get_xact_tuples_hot_updated
		pg_stat_get_xact_tuples_inserted pg_stat_get_xact_tuples_returned pg_stat_get_xact_tuples_updated
		pg_sleep pg_sleep_for pg_sleep_until currval lastval`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
