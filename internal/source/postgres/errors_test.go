package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/testutil"
)

func TestServerErrors(t *testing.T) {
	s, _ := openDB(t, "CREATE TABLE t (a int)", nil)
	for _, c := range []struct {
		sql  string
		kind source.Kind
		code string
	}{
		{"SELEC 1", source.KindSyntax, "42601"},
		{"SELECT * FROM missing_table", source.KindUndefined, "42P01"},
		{"SELECT nope FROM t", source.KindUndefined, "42703"},
		{"SELECT no_such_function(1)", source.KindUndefined, "42883"},
		{"SELECT * FROM no_schema.t", source.KindUndefined, "42P01"},
		{"SELECT 1/0", source.KindData, "22012"},
		{"SELECT 'x'::int", source.KindData, "22P02"},
		{"INSERT INTO t VALUES (1)", source.KindReadOnly, "25006"},
	} {
		_, err := s.Query(t.Context(), c.sql, source.Limits{})
		var se *source.Error
		if !errors.As(err, &se) || se.Kind != c.kind || se.Code != c.code {
			t.Errorf("Query(%q) = %#v, want kind %s code %s", c.sql, err, c.kind, c.code)
		}
	}
	_, err := s.Query(t.Context(), "SELECT 1 FROM t WHERE", source.Limits{})
	var se *source.Error
	if !errors.As(err, &se) || se.Position != 22 || !strings.Contains(se.Error(), "syntax error") {
		t.Errorf("syntax error = %#v, want position 22", err)
	}
	_, err = s.Query(t.Context(), "SELECT * FROM tt", source.Limits{})
	if !errors.As(err, &se) || se.Message != `relation "tt" does not exist` || se.Position != 15 {
		t.Errorf("undefined table = %#v", err)
	}
	if got := scalar(t, s, "SELECT 1"); got != int64(1) {
		t.Errorf("pool broken after errors: %v", got)
	}
}

func TestPermissionDenied(t *testing.T) {
	s, dsn := openDB(t, "CREATE TABLE secret (a int)", nil)
	mustQuery(t, s, "SELECT * FROM secret")
	role := newRole(t, "LOGIN")
	u := openDSN(t, withUser(t, dsn, role, ""), nil)
	_, err := u.Query(t.Context(), "SELECT * FROM secret", source.Limits{})
	var se *source.Error
	if !errors.As(err, &se) || se.Kind != source.KindPermission || se.Code != "42501" {
		t.Fatalf("err = %#v, want permission 42501", err)
	}
	if !strings.Contains(se.Message, "permission denied") {
		t.Errorf("message %q", se.Message)
	}
}

func TestConnectErrors(t *testing.T) {
	const password = "S3cretPassw0rd"
	adminDSN := testutil.PGAdminDSN(t)
	missing := withUser(t, testutil.WithDatabase(t, adminDSN, fmt.Sprintf("nope_%d", time.Now().UnixNano())), "postgres", password)
	for _, c := range []struct {
		name, dsn string
		kind      source.Kind
		message   string
	}{
		{"no database", missing, source.KindNoDatabase, "does not exist"},
		{"refused", "postgres://alice:" + password + "@127.0.0.1:1/db?sslmode=disable", source.KindUnreachable, "connection refused"},
		{"unknown host", "postgres://alice:" + password + "@no-such-host.invalid:5432/db", source.KindUnreachable, "does not resolve"},
		{"tls", withParams(strings.Split(missing, "?")[0], "sslmode=verify-full"), source.KindUnreachable, "TLS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openDSN(t, c.dsn, nil)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_, err := s.Ping(ctx)
			if source.KindOf(err) != c.kind || !strings.Contains(err.Error(), c.message) {
				t.Fatalf("err = %v (kind %s), want kind %s mentioning %q", err, source.KindOf(err), c.kind, c.message)
			}
			assertNoSecrets(t, err, password, c.dsn, "alice", "127.0.0.1:1", "user=")
		})
	}
}

// assertNoSecrets checks err, its message fields and its whole chain.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	var texts []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error())
	}
	var se *source.Error
	if errors.As(err, &se) {
		texts = append(texts, se.Detail, se.Hint)
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.TrimSpace(s) != "" && strings.Contains(text, s) {
				t.Errorf("error text %q contains %q", text, s)
			}
		}
	}
}

func TestKindOfCode(t *testing.T) {
	for code, want := range map[string]source.Kind{
		"42601": source.KindSyntax, "42P01": source.KindUndefined, "42703": source.KindUndefined,
		"42883": source.KindUndefined, "42501": source.KindPermission, "25006": source.KindReadOnly,
		"57014": source.KindTimeout, "28P01": source.KindAuth, "28000": source.KindAuth,
		"3D000": source.KindNoDatabase, "22012": source.KindData, "22P02": source.KindData,
		"08006": source.KindUnreachable, "57P01": source.KindUnreachable, "XX000": source.KindOther,
	} {
		if got := kindOfCode(code); got != want {
			t.Errorf("kindOfCode(%s) = %s, want %s", code, got, want)
		}
	}
}
