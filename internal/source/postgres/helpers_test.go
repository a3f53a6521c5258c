package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

// openDB creates a fresh database with setup SQL and opens a Source on it.
func openDB(t testing.TB, setup string, mod func(*Config)) (*Source, string) {
	t.Helper()
	dsn := testutil.PGDatabase(t, setup)
	return openDSN(t, dsn, mod), dsn
}

func openDSN(t testing.TB, dsn string, mod func(*Config)) *Source {
	t.Helper()
	cfg := Config{DSN: dsn}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// mustQuery runs sql and fails the test on error.
func mustQuery(t testing.TB, s *Source, sql string, args ...any) *source.Result {
	t.Helper()
	res, err := s.Query(t.Context(), sql, source.Limits{}, args...)
	if err != nil {
		t.Fatalf("Query(%q): %v", sql, err)
	}
	return res
}

// scalar runs sql and returns the first value of the first row.
func scalar(t testing.TB, s *Source, sql string, args ...any) any {
	t.Helper()
	res := mustQuery(t, s, sql, args...)
	if len(res.Rows) == 0 || len(res.Rows[0]) == 0 {
		t.Fatalf("Query(%q): no value", sql)
	}
	return res.Rows[0][0]
}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return string(b)
}

// admin runs SQL on the test server as the admin user, outside the adapter.
func admin(t testing.TB, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, testutil.PGAdminDSN(t))
	if err != nil {
		t.Fatalf("admin connect: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("admin %q: %v", sql, err)
	}
}

var roleSeq atomic.Int64

// newRole creates a role for the test and drops it at cleanup (after
// Sources opened later are closed). opts follow CREATE ROLE name.
func newRole(t testing.TB, opts string) string {
	t.Helper()
	name := fmt.Sprintf("iopsdata_role_%d_%d", time.Now().UnixNano()%1e9, roleSeq.Add(1))
	admin(t, "CREATE ROLE "+name+" "+opts)
	t.Cleanup(func() { admin(t, "DROP ROLE IF EXISTS "+name) })
	return name
}

// withUser returns a URL DSN with its user (and password) replaced.
func withUser(t testing.TB, dsn, user, password string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse DSN: %v", err)
	}
	if password != "" {
		u.User = url.UserPassword(user, password)
	} else {
		u.User = url.User(user)
	}
	return u.String()
}

// withParams appends query parameters to a URL DSN.
func withParams(dsn string, params ...string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + strings.Join(params, "&")
}

// optEscape escapes an options value for a URL DSN (spaces as %20).
func optEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
