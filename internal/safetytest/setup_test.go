package safetytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// suite is a server with one fixture connection (PostgreSQL or DuckDB)
// and the baseline every case is compared with.
type suite struct {
	srv      *server
	engine   string
	conn     string
	pg       *pgFixture // nil for DuckDB
	duckPath string
	dirs     []watched
	expand   *strings.Replacer // placeholders → values, in SQL
	collapse *strings.Replacer // values → placeholders, in outputs

	basePG      string
	baseSession []string
	baseTree    string
}

// connTimeoutMS is the suite connections' statement timeout: an attack
// that is not stopped otherwise ends within it.
const connTimeoutMS = 5000

func newSuite(t *testing.T, engine string) *suite {
	t.Helper()
	s := &suite{engine: engine}
	var scratch, db, libpq string
	if engine == "postgres" {
		s.pg = newPGFixture(t)
		scratch, db, libpq = s.pg.scratch, s.pg.db, s.pg.libpqDSN(t)
	} else {
		scratch = newScratch(t)
		db, libpq = "no_database", "dbname=no_database"
	}
	s.srv = newServer(t)
	duckDir := t.TempDir()
	s.duckPath = filepath.Join(duckDir, "fixture.duckdb")
	if engine == "postgres" {
		s.conn = pgConn
		s.srv.mustCall(t, "add_connection", map[string]any{
			"name": pgConn, "engine": "postgres", "dsn": s.pg.serverDSN(t),
			"pool_size": 1, "timeout_ms": connTimeoutMS, "description": "safety suite fixture",
		})
	} else {
		s.conn = duckConn
		writeDuckFixture(t, s.duckPath)
		s.addDuck(t)
	}
	s.srv.addFernetKey(t)

	s.expand = strings.NewReplacer("{{HOME}}", s.srv.home, "{{SCRATCH}}", scratch,
		"{{DUCKFILE}}", s.duckPath, "{{PGDSN}}", libpq, "{{DB}}", db)
	collapse := []string{s.duckPath, "{{DUCKFILE}}", s.srv.home, "{{HOME}}",
		scratch, "{{SCRATCH}}", libpq, "{{PGDSN}}", db, "{{DB}}"}
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	s.dirs = []watched{
		{label: "home", dir: s.srv.home, recursive: true, volatile: storeFile},
		{label: "scratch", dir: scratch, recursive: true},
		{label: "duckdir", dir: duckDir, recursive: true},
		{label: "cwd", dir: cwd},
	}
	// DuckDB keeps installed extensions and persistent secrets under the
	// OS user's home; error texts may name that directory.
	if userHome, err := os.UserHomeDir(); err == nil && len(userHome) > 1 {
		collapse = append(collapse, userHome, "{{USERHOME}}")
		if engine == "duckdb" {
			s.dirs = append(s.dirs, watched{label: "~/.duckdb", dir: filepath.Join(userHome, ".duckdb"), recursive: true})
		}
	}
	s.collapse = strings.NewReplacer(collapse...)
	if s.pg != nil {
		s.basePG = s.pg.state(t)
		s.baseSession = s.srv.probeSession(t)
		for _, p := range s.baseSession {
			if strings.HasPrefix(p, "probe refused") {
				t.Fatalf("the session probe must run: %s", p)
			}
		}
	}
	s.baseTree = tree(t, s.dirs)
	return s
}

func (s *suite) addDuck(t *testing.T) {
	t.Helper()
	s.srv.mustCall(t, "add_connection", map[string]any{
		"name": duckConn, "engine": "duckdb", "dsn": s.duckPath,
		"timeout_ms": connTimeoutMS, "description": "safety suite fixture",
	})
}

// reconnect drops the PostgreSQL pool (and whatever state its backend
// holds) by removing and adding the connection again.
func (s *suite) reconnect(t *testing.T) {
	t.Helper()
	s.srv.mustCall(t, "remove_connection", map[string]any{"name": pgConn})
	s.srv.mustCall(t, "add_connection", map[string]any{
		"name": pgConn, "engine": "postgres", "dsn": s.pg.serverDSN(t),
		"pool_size": 1, "timeout_ms": connTimeoutMS, "description": "safety suite fixture",
	})
}
