package safetytest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pgChecks are read by the admin connection, from outside the server,
// before and after every case. Each is one text value.
var pgChecks = []struct{ name, sql string }{
	{"canary", "SELECT md5(string_agg(id || ',' || name || ',' || amount, ';' ORDER BY id)) FROM canary"},
	{"relations", "SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace"},
	{"functions", "SELECT count(*)::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace"},
	{"sequence", "SELECT last_value || ',' || is_called FROM canary_seq"},
	{"side_effects", "SELECT count(*)::text FROM side_effect_log"},
	{"large_objects", "SELECT coalesce(string_agg(oid::text, ',' ORDER BY oid), '') FROM pg_largeobject_metadata"},
	{"advisory_locks", `SELECT count(*)::text FROM pg_locks l JOIN pg_database d ON d.oid = l.database
		WHERE d.datname = current_database() AND l.locktype = 'advisory'`},
	{"database_settings", `SELECT count(*)::text FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
		WHERE d.datname = current_database()`},
	{"roles", "SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') FROM pg_roles WHERE rolname LIKE 'safetytest%'"},
	{"prepared_xacts", "SELECT count(*)::text FROM pg_prepared_xacts WHERE database = current_database()"},
	{"victim", "SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'safetytest_victim'"},
}

// state is what the admin connection sees: one line per check, plus
// notifications received on the channels attacks use and whether the victim
// backend still answers.
func (f *pgFixture) state(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, c := range pgChecks {
		var v *string
		if err := f.admin.QueryRow(t.Context(), c.sql).Scan(&v); err != nil {
			fmt.Fprintf(&sb, "%s: error: %v\n", c.name, err)
			continue
		}
		if v == nil {
			fmt.Fprintf(&sb, "%s: NULL\n", c.name)
			continue
		}
		fmt.Fprintf(&sb, "%s: %s\n", c.name, *v)
	}
	fmt.Fprintf(&sb, "notifications: %d\n", f.notifications.Swap(0))
	alive := "alive"
	if err := f.victim.Ping(t.Context()); err != nil {
		alive = "dead: " + err.Error()
	}
	fmt.Fprintf(&sb, "victim backend: %s\n", alive)
	return sb.String()
}

// sessionProbe runs through execute_sql on the suite's PostgreSQL
// connection (pool size 1, so always the same backend) and shows the
// session state an attack might leave behind.
const sessionProbe = `SELECT current_setting('default_transaction_read_only') AS default_read_only,
  current_setting('transaction_read_only') AS read_only,
  current_setting('statement_timeout') AS statement_timeout,
  coalesce(current_setting('safetytest.attack', true), '') AS custom_setting,
  current_user AS usr, session_user AS session_usr,
  current_setting('search_path') AS search_path,
  (SELECT count(*) FROM pg_prepared_statements WHERE from_sql) AS prepared,
  (SELECT count(*) FROM pg_cursors WHERE name <> '') AS cursors,
  (SELECT count(*) FROM pg_listening_channels()) AS listening,
  (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS advisory_locks,
  (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS temp_relations,
  (SELECT string_agg(name || '=' || setting, ';' ORDER BY name) FROM pg_settings
    WHERE source NOT IN ('default', 'override', 'configuration file', 'environment variable')) AS settings`

// probeSession runs sessionProbe several times and returns its rows.
func (s *server) probeSession(t *testing.T) []string {
	t.Helper()
	var out []string
	for range 3 {
		r := s.call(t.Context(), t, "execute_sql", map[string]any{"connection": pgConn, "sql": sessionProbe})
		if r.isError {
			out = append(out, "probe refused: "+r.text)
			continue
		}
		out = append(out, csvRows(r.text))
	}
	return out
}

// watched is a directory where no file may appear or change.
type watched struct {
	label     string
	dir       string
	recursive bool
	// volatile files may change content (the store's database and its
	// journal), but not appear or disappear.
	volatile func(name string) bool
}

// tree lists every file under the watched directories with a hash of its
// content, one line each.
func tree(t *testing.T, dirs []watched) string {
	t.Helper()
	var lines []string
	for _, w := range dirs {
		err := filepath.WalkDir(w.dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				lines = append(lines, fmt.Sprintf("%s: walk error: %v", w.label, err))
				return nil
			}
			rel, _ := filepath.Rel(w.dir, path)
			if d.IsDir() {
				lines = append(lines, w.label+"/"+rel+"/")
				if path != w.dir && !w.recursive {
					return filepath.SkipDir // listed, not entered
				}
				return nil
			}
			sum := "-"
			if w.volatile == nil || !w.volatile(d.Name()) {
				sum = fileHash(path)
			}
			lines = append(lines, w.label+"/"+rel+" "+sum)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func fileHash(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// storeFile reports the store's files, whose content changes with every
// logged query.
func storeFile(name string) bool { return strings.HasPrefix(name, "iopsdata.db") }
