package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fernet/fernet-go"
	"github.com/google/go-cmp/cmp"
)

// newKey returns a fresh Fernet key in FERNET_KEY form.
func newKey(t testing.TB) string {
	t.Helper()
	var k fernet.Key
	if err := k.Generate(); err != nil {
		t.Fatal(err)
	}
	return k.Encode()
}

// openStore opens a store in home with FERNET_KEY=key ("" = key file) and
// closes it when the test ends.
func openStore(t testing.TB, home, key string) *Store {
	t.Helper()
	s, err := Open(t.Context(), Options{Home: home, FernetKey: key})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sampleConn(name string) Connection {
	return Connection{
		Name:        name,
		Engine:      "postgres",
		DSN:         "postgres://app:s3cret-" + name + "@db.internal:5432/sales",
		ReadOnly:    true,
		Description: "sales replica",
		Options:     ConnOptions{MaxRows: 500, TimeoutMS: 30000},
		CreatedAt:   time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC),
	}
}

func TestConnectionsCRUD(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, t.TempDir(), "")
	b, a := sampleConn("b_sales"), sampleConn("a_ops")
	a.Engine, a.ReadOnly, a.Options = "duckdb", false, ConnOptions{}
	for _, c := range []Connection{b, a} {
		if err := s.AddConnection(ctx, c); err != nil {
			t.Fatalf("AddConnection(%s): %v", c.Name, err)
		}
	}
	got, err := s.GetConnection(ctx, "b_sales")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Errorf("GetConnection (-want +got):\n%s", diff)
	}

	list, err := s.ListConnections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a.DSN, b.DSN = "", ""
	if diff := cmp.Diff([]Connection{a, b}, list); diff != "" {
		t.Errorf("ListConnections (-want +got):\n%s", diff)
	}

	if err := s.AddConnection(ctx, sampleConn("a_ops")); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate AddConnection: got %v, want ErrExists", err)
	}
	if err := s.RemoveConnection(ctx, "a_ops"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveConnection(ctx, "a_ops"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second RemoveConnection: got %v, want ErrNotFound", err)
	}
	if _, err := s.GetConnection(ctx, "a_ops"); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetConnection after remove: got %v, want ErrNotFound", err)
	}
	if err := s.AddConnection(ctx, Connection{Engine: "duckdb"}); err == nil {
		t.Error("AddConnection without a name succeeded")
	}
	if err := s.KeyCheck(ctx); err != nil {
		t.Errorf("KeyCheck: %v", err)
	}
}

func TestCreatedAtDefaultsToNow(t *testing.T) {
	s := openStore(t, t.TempDir(), "")
	before := time.Now().Add(-time.Second)
	if err := s.AddConnection(t.Context(), Connection{Name: "x", Engine: "duckdb"}); err != nil {
		t.Fatal(err)
	}
	c, err := s.GetConnection(t.Context(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if c.CreatedAt.Before(before) || c.CreatedAt.After(time.Now()) {
		t.Errorf("CreatedAt = %v, want about now", c.CreatedAt)
	}
}

func TestSettings(t *testing.T) {
	ctx := t.Context()
	home := t.TempDir()
	s := openStore(t, home, "")
	if _, ok, err := s.Setting(ctx, "theme"); err != nil || ok {
		t.Fatalf("Setting(unset) = ok %v, err %v", ok, err)
	}
	for _, v := range []string{"dark", "light"} {
		if err := s.SetSetting(ctx, "theme", v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetSetting(ctx, canaryKey, "x"); err == nil {
		t.Error("SetSetting accepted a reserved key")
	}
	s.Close()
	s = openStore(t, home, "")
	v, ok, err := s.Setting(ctx, "theme")
	if err != nil || !ok || v != "light" {
		t.Errorf("Setting after reopen = %q, %v, %v; want light", v, ok, err)
	}
}

func TestQueryLog(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, t.TempDir(), "")
	at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	var want []QueryLogEntry
	for i := range 5 {
		e := QueryLogEntry{
			At: at.Add(time.Duration(i) * time.Second), Connection: []string{"a", "b"}[i%2],
			Tool: "execute_sql", SQL: fmt.Sprintf("select %d", i), Fingerprint: "abc",
			Verdict: "ok", Rows: i, ElapsedMS: 1.5, Error: "",
		}
		if i == 4 {
			e.Verdict, e.Error = "error", "relation does not exist"
		}
		if err := s.LogQuery(ctx, e); err != nil {
			t.Fatal(err)
		}
		e.ID = int64(i + 1)
		want = append([]QueryLogEntry{e}, want...)
	}
	got, err := s.QueryHistory(ctx, HistoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("QueryHistory (-want +got):\n%s", diff)
	}
	got, err = s.QueryHistory(ctx, HistoryFilter{Connection: "a", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]QueryLogEntry{want[0], want[2]}, got); diff != "" {
		t.Errorf("QueryHistory(a, 2) (-want +got):\n%s", diff)
	}

	// A zero At means now; a canceled context still logs.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.LogQuery(cctx, QueryLogEntry{Connection: "a", Verdict: "canceled"}); err != nil {
		t.Fatalf("LogQuery with canceled ctx: %v", err)
	}
	got, err = s.QueryHistory(ctx, HistoryFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Verdict != "canceled" || time.Since(got[0].At) > time.Minute {
		t.Errorf("newest entry = %+v, want the canceled one, stamped now", got)
	}
}

func TestQueryLogCapsSQL(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, t.TempDir(), "")
	long := "select '" + strings.Repeat("é", maxSQLBytes) + "'"
	if err := s.LogQuery(ctx, QueryLogEntry{Connection: "a", SQL: long, Verdict: "ok"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.QueryHistory(ctx, HistoryFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	sql := got[0].SQL
	if len(sql) > maxSQLBytes || !utf8.ValidString(sql) {
		t.Errorf("stored SQL: %d bytes, valid UTF-8 %v; want <= %d, valid", len(sql), utf8.ValidString(sql), maxSQLBytes)
	}
	if !strings.Contains(sql, fmt.Sprintf("of %d bytes kept]", len(long))) {
		t.Errorf("stored SQL does not mark the cut: ...%q", sql[len(sql)-80:])
	}
	if !strings.HasPrefix(long, sql[:strings.LastIndex(sql, "\n-- [truncated")]) {
		t.Error("stored SQL is not a prefix of the original")
	}
}

func TestQueryLogPrune(t *testing.T) {
	ctx := t.Context()
	s := openStore(t, t.TempDir(), "")
	s.logKeep, s.pruneEvery = 100, 10
	for i := range 1005 {
		if err := s.LogQuery(ctx, QueryLogEntry{Connection: "a", SQL: fmt.Sprint(i), Verdict: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.flushLog(ctx); err != nil {
		t.Fatal(err)
	}
	var n, oldest, newest int64
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*), MIN(id), MAX(id) FROM query_log`).Scan(&n, &oldest, &newest); err != nil {
		t.Fatal(err)
	}
	// Pruning runs after a batch that crosses a multiple of pruneEvery and
	// keeps the newest logKeep rows; rows of later batches come on top.
	if newest != 1005 || n < s.logKeep || n > s.logKeep+logBatch || newest-oldest+1 != n {
		t.Errorf("after pruning: %d rows, ids %d..%d; want the newest %d..%d rows ending at 1005", n, oldest, newest, s.logKeep, s.logKeep+logBatch)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := t.Context()
	home := t.TempDir()
	openStore(t, home, "").Close()
	s := openStore(t, home, "")
	var n, v int
	err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &v)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || v != ms[len(ms)-1].version {
		t.Errorf("schema_migrations: %d rows, version %d; want %d rows", n, v, len(ms))
	}
	var mode string
	if err := s.rdb.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	for _, table := range []string{"settings", "connections", "file_assets", "query_log"} {
		var name string
		err := s.rdb.QueryRowContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&name)
		if err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

// TestQueryLogCloseCommitsQueued: entries handed to the batching writer are
// all on disk after Close, and LogQuery after Close fails instead of hanging.
func TestQueryLogCloseCommitsQueued(t *testing.T) {
	home := t.TempDir()
	s, err := Open(t.Context(), Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if err := s.LogQuery(t.Context(), QueryLogEntry{Connection: "c", SQL: fmt.Sprint(i), Verdict: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.LogQuery(t.Context(), QueryLogEntry{Connection: "c"}); err == nil {
		t.Fatal("LogQuery after Close succeeded")
	}
	s2 := openStore(t, home, "")
	got, err := s2.QueryHistory(t.Context(), HistoryFilter{Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3000 || got[0].SQL != "2999" {
		t.Fatalf("after Close and reopen: %d entries, newest %q; want 3000, newest 2999", len(got), got[0].SQL)
	}
}

func TestStoreFilesArePrivate(t *testing.T) {
	home := t.TempDir()
	s := openStore(t, home, "")
	if err := s.LogQuery(t.Context(), QueryLogEntry{Connection: "c", SQL: "SELECT 1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueryHistory(t.Context(), HistoryFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"iopsdata.db", "iopsdata.db-wal", "fernet.key"} {
		st, err := os.Stat(filepath.Join(home, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v; want no access for group or others", name, st.Mode().Perm())
		}
	}
}
