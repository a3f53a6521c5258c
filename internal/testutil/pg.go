// Package testutil holds helpers shared by tests: a fresh PostgreSQL database
// per test, taken from IOPSDATA_TEST_PG.
package testutil

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var seq atomic.Int64

// PGAdminDSN returns IOPSDATA_TEST_PG. When it is empty the test is skipped,
// unless IOPSDATA_TEST_PG_REQUIRED=1, which turns the skip into a failure.
func PGAdminDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("IOPSDATA_TEST_PG")
	if dsn == "" {
		if os.Getenv("IOPSDATA_TEST_PG_REQUIRED") == "1" {
			t.Fatal("IOPSDATA_TEST_PG is not set but IOPSDATA_TEST_PG_REQUIRED=1: set it to a PostgreSQL DSN, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
		}
		t.Skip("IOPSDATA_TEST_PG is not set; skipping PostgreSQL test (set it to a DSN such as postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	return dsn
}

// PGDatabase creates a new, empty database for the test, runs setup SQL in
// it (may be empty) and returns its DSN. The database is dropped at cleanup.
func PGDatabase(t testing.TB, setup string) string {
	t.Helper()
	admin := PGAdminDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to IOPSDATA_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("iopsdata_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, seq.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("cleanup connect: %v", err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	dsn := WithDatabase(t, admin, name)
	if strings.TrimSpace(setup) != "" {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect to test database: %v", err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, setup); err != nil {
			t.Fatalf("setup test database: %v", err)
		}
	}
	return dsn
}

// WithDatabase returns dsn with its database replaced by name. dsn may be a
// URL or a key=value string.
func WithDatabase(t testing.TB, dsn, name string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse IOPSDATA_TEST_PG: %v", err)
		}
		u.Path = "/" + name
		return u.String()
	}
	return dsn + " dbname=" + name
}

// DropDatabase drops the database dsn names now, closing its sessions, to
// test what happens when a stored connection's database is gone.
func DropDatabase(t testing.TB, dsn string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, PGAdminDSN(t))
	if err != nil {
		t.Fatalf("connect to IOPSDATA_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{cfg.Database}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Fatalf("drop database: %v", err)
	}
}
