package safetytest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver for the fixture
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

// pgCanarySQL creates the PostgreSQL canaries and the tables legitimate
// queries read. It also restores them after an attack got through.
const pgCanarySQL = `
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
DROP ROLE IF EXISTS safetytest_evil;
CREATE TABLE canary (id int PRIMARY KEY, name text NOT NULL, amount numeric(10,2) NOT NULL);
INSERT INTO canary SELECT g, 'row ' || g, g * 1.25 FROM generate_series(1, 100) g;
COMMENT ON TABLE canary IS 'rows that must never change; DROP TABLE canary; COMMIT;';
CREATE SEQUENCE canary_seq;
SELECT setval('canary_seq', 42);
CREATE TABLE side_effect_log (at timestamptz NOT NULL DEFAULT now(), what text);
CREATE FUNCTION canary_fn() RETURNS int LANGUAGE plpgsql VOLATILE AS
  $$ BEGIN INSERT INTO side_effect_log (what) VALUES ('canary_fn'); RETURN 1; END $$;
CREATE FUNCTION canary_definer() RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS
  $$ BEGIN INSERT INTO side_effect_log (what) VALUES ('canary_definer'); RETURN 1; END $$;
CREATE FUNCTION canary_op(int, int) RETURNS bool LANGUAGE plpgsql VOLATILE AS
  $$ BEGIN INSERT INTO side_effect_log (what) VALUES ('canary_op'); RETURN $1 = $2; END $$;
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = canary_op);
CREATE PROCEDURE canary_proc() LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO side_effect_log (what) VALUES ('canary_proc'); COMMIT; END $$;
CREATE VIEW canary_view AS SELECT id, canary_fn() AS side_effect FROM canary;
SELECT lo_from_bytea(424242, 'large object canary');
CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, product text NOT NULL, qty int NOT NULL,
  price numeric(10,2) NOT NULL, sold_on date NOT NULL);
INSERT INTO sales SELECT g,
  CASE g % 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east' ELSE 'west' END,
  CASE g % 3 WHEN 0 THEN 'apple' WHEN 1 THEN 'pear' ELSE 'plum' END,
  1 + g % 7, (g * 7 % 50) + 0.99, DATE '2024-01-01' + g * 5
  FROM generate_series(1, 60) g;
CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, manager_id int REFERENCES emp (id));
INSERT INTO emp VALUES (1, 'ada', NULL), (2, 'bob', 1), (3, 'cy', 1), (4, 'di', 2), (5, 'ed', 4);
CREATE OR REPLACE VIEW sales_by_region AS SELECT region, sum(qty * price) AS revenue FROM sales GROUP BY region;
`

// pgFixture is the PostgreSQL side: a database of its own, an admin
// connection that watches the canaries from outside the server, and a
// victim backend that attacks try to terminate.
type pgFixture struct {
	dsn     string // the test database, no password
	db      string
	admin   *pgx.Conn
	victim  *pgx.Conn
	scratch string // a directory the PostgreSQL server may write to
	// notifications counts NOTIFY messages the admin connection received on
	// the channel attacks use.
	notifications atomic.Int64
	noDblink      bool
}

func newPGFixture(t *testing.T) *pgFixture {
	t.Helper()
	dsn := testutil.PGDatabase(t, "")
	f := &pgFixture{dsn: dsn, db: dbName(t, dsn), scratch: newScratch(t)}
	f.admin = f.connect(t, "safetytest_admin")
	f.victim = f.connect(t, "safetytest_victim")
	t.Cleanup(func() {
		_ = f.victim.Close(context.Background())
		_ = f.admin.Close(context.Background())
	})
	f.reset(t)
	return f
}

func (f *pgFixture) connect(t *testing.T, app string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = app
	cfg.OnNotification = func(*pgconn.PgConn, *pgconn.Notification) { f.notifications.Add(1) }
	c, err := pgx.ConnectConfig(t.Context(), cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", app, err)
	}
	return c
}

// reset restores every canary to its starting state.
func (f *pgFixture) reset(t *testing.T) {
	t.Helper()
	if _, err := f.admin.Exec(t.Context(), pgCanarySQL); err != nil {
		t.Fatalf("create PostgreSQL canaries: %v", err)
	}
	if _, err := f.admin.Exec(t.Context(), "ALTER DATABASE "+pgx.Identifier{f.db}.Sanitize()+" RESET ALL"); err != nil {
		t.Fatal(err)
	}
	// dblink turns a read-only session into a writing one. Where it is not
	// available, the dblink cases meet an unknown function instead.
	if _, err := f.admin.Exec(t.Context(), "CREATE EXTENSION IF NOT EXISTS dblink"); err != nil && !f.noDblink {
		f.noDblink = true
		t.Logf("dblink is not available (%v); its cases test an unknown function", err)
	}
	if _, err := f.admin.Exec(t.Context(), "LISTEN safetytest"); err != nil {
		t.Fatal(err)
	}
	if f.victim.Ping(t.Context()) != nil {
		f.victim = f.connect(t, "safetytest_victim")
	}
}

// serverDSN is the DSN the server stores: the test database with the
// secret as its password (trust authentication ignores it; an error or
// output that echoes the DSN does not).
func (f *pgFixture) serverDSN(t *testing.T) string {
	t.Helper()
	if u, err := url.Parse(f.dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.User = url.UserPassword(u.User.Username(), secret)
		return u.String()
	}
	return f.dsn + " password=" + secret
}

// libpqDSN is a key=value connection string for the test database without
// a password, for dblink attacks.
func (f *pgFixture) libpqDSN(t *testing.T) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s", cfg.Host, cfg.Port, cfg.User, cfg.Database)
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

// newScratch makes a directory that the PostgreSQL server's OS user can
// write to, holding a readable copy of the secret: a file-writing or
// file-reading attack that got past iOpsData would succeed there.
func newScratch(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "iopsdata-safetytest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "secret.txt"), secret+"\n")
	return dir
}

// duckFixtureSQL builds the DuckDB fixture: the same tables and rows as
// the PostgreSQL one.
const duckFixtureSQL = `
CREATE TABLE canary (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, amount DECIMAL(10,2) NOT NULL);
INSERT INTO canary SELECT g, 'row ' || g, g * 1.25 FROM generate_series(1, 100) t(g);
COMMENT ON TABLE canary IS 'rows that must never change; DROP TABLE canary; COMMIT;';
CREATE SEQUENCE canary_seq START 42;
CREATE TABLE sales (id INTEGER PRIMARY KEY, region VARCHAR NOT NULL, product VARCHAR NOT NULL, qty INTEGER NOT NULL,
  price DECIMAL(10,2) NOT NULL, sold_on DATE NOT NULL);
INSERT INTO sales SELECT g,
  CASE g % 4 WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east' ELSE 'west' END,
  CASE g % 3 WHEN 0 THEN 'apple' WHEN 1 THEN 'pear' ELSE 'plum' END,
  1 + g % 7, (g * 7 % 50) + 0.99, DATE '2024-01-01' + INTERVAL (g * 5) DAY
  FROM generate_series(1, 60) t(g);
CREATE TABLE emp (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, manager_id INTEGER);
INSERT INTO emp VALUES (1, 'ada', NULL), (2, 'bob', 1), (3, 'cy', 1), (4, 'di', 2), (5, 'ed', 4);
CREATE VIEW sales_by_region AS SELECT region, sum(qty * price) AS revenue FROM sales GROUP BY region;
CHECKPOINT;
`

// writeDuckFixture (re)writes the DuckDB fixture file in a directory of its
// own, so that any file appearing next to it is visible.
func writeDuckFixture(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range strings.Split(duckFixtureSQL, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("create DuckDB fixture: %v\n%s", err, stmt)
		}
	}
}
