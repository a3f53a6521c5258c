package postgres

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iopsdata/iopsdata/internal/source"
)

func TestSanitizeOptions(t *testing.T) {
	for _, c := range []struct {
		in, want string
		dropped  []string
	}{
		{"", "", nil},
		{"-c search_path=a", "-c search_path=a", nil},
		{"-csearch_path=a --work-mem=4MB", "-c search_path=a -c work-mem=4MB", nil},
		{"-c default_transaction_read_only=off", "", []string{"default_transaction_read_only"}},
		{"-c Default_Transaction_Read_Only=off -c x.y=1", "-c x.y=1", []string{"Default_Transaction_Read_Only"}},
		{"--default-transaction-read-only=off", "", []string{"default-transaction-read-only"}},
		{"-c statement_timeout=0 -c transaction_read_only=off", "", []string{"statement_timeout", "transaction_read_only"}},
		{`-c search_path=a\ b -c statement\_timeout=0`, `-c search_path=a\ b`, []string{"statement_timeout"}},
		{"-c idle_in_transaction_session_timeout=0 -c client_encoding=LATIN1", "", []string{"idle_in_transaction_session_timeout", "client_encoding"}},
		{"-e -B 10 -c", "", []string{"-e", "-B", "10", "-c"}},
		{"-c DateStyle=SQL,DMY", "-c DateStyle=SQL,DMY", nil},
	} {
		got, dropped := sanitizeOptions(c.in)
		if got != c.want || !cmp.Equal(dropped, c.dropped) {
			t.Errorf("sanitizeOptions(%q) = %q, %q; want %q, %q", c.in, got, dropped, c.want, c.dropped)
		}
	}
}

func TestSanitizeParams(t *testing.T) {
	var warned []string
	warn := func(msg string, args ...any) { warned = append(warned, msg) }
	in := map[string]string{
		"default_transaction_read_only": "off", "Statement_Timeout": "0", "replication": "database",
		"client_encoding": "LATIN1", "application_name": "theirs", "search_path": "s",
		"options": "-c transaction_read_only=off -c work_mem=1MB", "TimeZone": "Asia/Kolkata",
	}
	want := map[string]string{
		"default_transaction_read_only": "on", "client_encoding": "UTF8", "application_name": "ours",
		"search_path": "s", "options": "-c work_mem=1MB", "TimeZone": "Asia/Kolkata",
	}
	if diff := cmp.Diff(want, sanitizeParams(in, "ours", warn)); diff != "" {
		t.Errorf("sanitizeParams (-want +got):\n%s", diff)
	}
	if len(warned) != 5 {
		t.Errorf("%d warnings, want 5", len(warned))
	}
	if got := sanitizeParams(map[string]string{"application_name": "theirs"}, "", warn)["application_name"]; got != "theirs" {
		t.Errorf("application_name without AppName = %q, want the DSN's", got)
	}
	if got := sanitizeParams(nil, "", warn)["application_name"]; got != defaultAppName {
		t.Errorf("default application_name = %q", got)
	}
}

func TestDSNOverrides(t *testing.T) {
	s, err := Open(Config{DSN: "postgres://u@h/db?default_query_exec_mode=simple_protocol&pool_max_conns=50&pool_min_conns=10"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.pcfg.MaxConns != DefaultPoolSize || s.pcfg.MinConns != 0 {
		t.Errorf("pool %d..%d, want 0..%d", s.pcfg.MinConns, s.pcfg.MaxConns, DefaultPoolSize)
	}
	if mode := s.pcfg.ConnConfig.DefaultQueryExecMode.String(); mode == "simple_protocol" {
		t.Errorf("DefaultQueryExecMode = %s", mode)
	}
}

func TestDSNCannotWeakenSafety(t *testing.T) {
	_, dsn := openDB(t, "CREATE TABLE t (a int)", nil)
	weak := withParams(dsn,
		"options="+optEscape(`-c default_transaction_read_only=off --statement-timeout=0 -c transaction_read_only=off -c search_path=public`),
		"default_transaction_read_only=off", "Statement_Timeout=0", "default_query_exec_mode=simple_protocol",
		"statement_cache_capacity=0", "application_name=other")
	s := openDSN(t, weak, func(c *Config) { c.AppName = "iopsdata-test" })
	res := mustQuery(t, s, `SELECT name, reset_val FROM pg_settings
		WHERE name IN ('default_transaction_read_only', 'statement_timeout', 'application_name', 'search_path', 'client_encoding')
		ORDER BY name`)
	want := `[["application_name","iopsdata-test"],["client_encoding","UTF8"],["default_transaction_read_only","on"],["search_path","public"],["statement_timeout","0"]]`
	if got := toJSON(t, res.Rows); got != want {
		t.Errorf("session settings:\n got %s\nwant %s", got, want)
	}
	if _, err := s.Query(t.Context(), "INSERT INTO t VALUES (1)", source.Limits{}); source.KindOf(err) != source.KindReadOnly {
		t.Errorf("INSERT = %v, want read_only", err)
	}
	if _, err := s.Query(t.Context(), "SELECT 1; DROP TABLE t", source.Limits{}); source.KindOf(err) != source.KindSyntax {
		t.Errorf("multi-statement = %v, want syntax (extended protocol)", err)
	}
}

func TestBadDSN(t *testing.T) {
	const password = "S3cretPassw0rd"
	for _, dsn := range []string{
		"", "  ",
		"postgres://bob:" + password + "@host:notaport/db",
		"postgres://bob:" + password + "@[::1/db",
		"host=h port=abc user=bob password=" + password,
		"host=h user=bob password=" + password + " sslmode=bogus",
		"postgres://bob:" + password + "@h/db?statement_cache_capacity=x",
	} {
		_, err := Open(Config{DSN: dsn})
		if source.KindOf(err) != source.KindBadDSN {
			t.Errorf("Open(%q) = %v, want bad_dsn", dsn, err)
			continue
		}
		assertNoSecrets(t, err, password, dsn, "bob", "host=")
	}
}

// TestDSNNeverUsesLocalCredentials: a stored DSN that names another host must
// not receive this machine's PGPASSWORD or ~/.pgpass password, and may not
// point pgx at local credential files.
func TestDSNNeverUsesLocalCredentials(t *testing.T) {
	dir := t.TempDir()
	pass := filepath.Join(dir, "pgpass")
	if err := os.WriteFile(pass, []byte("*:*:*:*:from-pgpass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSWORD", "from-env")
	t.Setenv("PGPASSFILE", pass)
	for _, dsn := range []string{"postgres://u@attacker.example:5432/db", "host=attacker.example user=u dbname=db"} {
		pc, _, err := poolConfig(Config{DSN: dsn, PoolSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if pc.ConnConfig.Password != "" {
			t.Errorf("%s: password %q taken from the environment", dsn, pc.ConnConfig.Password)
		}
	}
	for _, dsn := range []string{"postgres://u:given@h/db", "host=h password=given", "postgres://u@h/db?password=given"} {
		pc, _, err := poolConfig(Config{DSN: dsn, PoolSize: 1})
		if err != nil || pc.ConnConfig.Password != "given" {
			t.Errorf("%s: password %q, err %v; want the DSN's own", dsn, pc.ConnConfig.Password, err)
		}
	}
	for _, dsn := range []string{"postgres://u@h/db?passfile=/home/x/.iopsdata/fernet.key", "host=h passfile=/etc/shadow", "service=prod", "postgres://h/db?servicefile=/tmp/x"} {
		if _, _, err := poolConfig(Config{DSN: dsn, PoolSize: 1}); source.KindOf(err) != source.KindBadDSN {
			t.Errorf("%s: err %v, want a bad-DSN refusal", dsn, err)
		}
	}
}
