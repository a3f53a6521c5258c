package store

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fernet/fernet-go"
	"github.com/google/go-cmp/cmp"
)

// openLogged opens a store whose log lines go to the returned buffer.
func openLogged(t *testing.T, home, key string) (*Store, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	s, err := Open(t.Context(), Options{Home: home, FernetKey: key, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &buf
}

// rawSecrets returns the stored ciphertexts: connection secrets and the canary.
func rawSecrets(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.rdb.QueryContext(t.Context(),
		`SELECT name, secret FROM connections UNION ALL SELECT key, value FROM settings WHERE key = ?`, canaryKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		m[k] = v
	}
	return m
}

func TestRotation(t *testing.T) {
	ctx := t.Context()
	home, kOld, kNew := t.TempDir(), newKey(t), newKey(t)
	s := openStore(t, home, kOld)
	want := sampleConn("sales")
	if err := s.AddConnection(ctx, want); err != nil {
		t.Fatal(err)
	}
	before := rawSecrets(t, s)
	s.Close()

	s, logs := openLogged(t, home, kNew+", "+kOld)
	got, err := s.GetConnection(ctx, "sales")
	if err != nil {
		t.Fatalf("GetConnection with the old key second: %v", err)
	}
	if got.DSN != want.DSN {
		t.Errorf("DSN after rotation differs")
	}
	after := rawSecrets(t, s)
	nk := fernet.MustDecodeKeys(kNew)
	for name, tok := range after {
		if tok == before[name] {
			t.Errorf("%s was not re-encrypted", name)
		}
		if _, _, err := openToken(nk, []byte(tok)); err != nil {
			t.Errorf("%s does not open with the new key alone: %v", name, err)
		}
	}
	if strings.Contains(logs.String(), kNew) || strings.Contains(logs.String(), kOld) {
		t.Error("a key appears in the log")
	}
	s.Close()

	s = openStore(t, home, kNew)
	if _, err := s.GetConnection(ctx, "sales"); err != nil {
		t.Errorf("GetConnection with the new key alone: %v", err)
	}
	if err := s.KeyCheck(ctx); err != nil {
		t.Errorf("KeyCheck with the new key alone: %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	ctx := t.Context()
	home, rightKey, wrongKey := t.TempDir(), newKey(t), newKey(t)
	s := openStore(t, home, rightKey)
	c := sampleConn("sales")
	if err := s.AddConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	want := rawSecrets(t, s)
	s.Close()

	s, logs := openLogged(t, home, wrongKey)
	_, err := s.GetConnection(ctx, "sales")
	if !errors.Is(err, ErrKey) {
		t.Fatalf("GetConnection with a wrong key: %v, want ErrKey", err)
	}
	for _, part := range []string{"different key", "FERNET_KEY", `"new,old"`, filepath.Join(home, "fernet.key")} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
	if err := s.AddConnection(ctx, sampleConn("other")); !errors.Is(err, ErrKey) {
		t.Errorf("AddConnection with a wrong key: %v, want ErrKey", err)
	}
	if err := s.KeyCheck(ctx); !errors.Is(err, ErrKey) {
		t.Errorf("KeyCheck with a wrong key: %v, want ErrKey", err)
	}
	if list, err := s.ListConnections(ctx); err != nil || len(list) != 1 {
		t.Errorf("ListConnections with a wrong key = %d, %v; want 1 connection", len(list), err)
	}
	for _, text := range []string{err.Error(), logs.String()} {
		for _, secret := range []string{c.DSN, "s3cret", rightKey, wrongKey} {
			if strings.Contains(text, secret) {
				t.Errorf("secret %q leaked into %q", secret, text)
			}
		}
	}
	if diff := cmp.Diff(want, rawSecrets(t, s)); diff != "" {
		t.Errorf("stored secrets changed under a wrong key (-want +got):\n%s", diff)
	}
	s.Close()

	s = openStore(t, home, rightKey)
	if got, err := s.GetConnection(ctx, "sales"); err != nil || got.DSN != c.DSN {
		t.Errorf("GetConnection with the right key again: %v", err)
	}
	if diff := cmp.Diff(want, rawSecrets(t, s)); diff != "" {
		t.Errorf("stored secrets changed (-want +got):\n%s", diff)
	}
}

func TestWrongKeyEmptyStore(t *testing.T) {
	home := t.TempDir()
	s := openStore(t, home, newKey(t))
	if err := s.KeyCheck(t.Context()); err != nil {
		t.Fatalf("KeyCheck on a fresh store: %v", err)
	}
	s.Close()
	s = openStore(t, home, newKey(t))
	if err := s.KeyCheck(t.Context()); !errors.Is(err, ErrKey) {
		t.Errorf("KeyCheck with another key on a store without connections: %v, want ErrKey", err)
	}
}

func TestMissingKeyFile(t *testing.T) {
	ctx := t.Context()
	home := t.TempDir()
	keyPath := filepath.Join(home, "fernet.key")
	s := openStore(t, home, "")
	if err := s.AddConnection(ctx, sampleConn("sales")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	saved, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}

	s, logs := openLogged(t, home, "")
	if _, err := os.Stat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a new key file was made although the store holds secrets (stat: %v)", err)
	}
	if !strings.Contains(logs.String(), "key file is missing") {
		t.Errorf("no warning about the missing key file in %q", logs)
	}
	_, err = s.GetConnection(ctx, "sales")
	if !errors.Is(err, ErrKey) || !strings.Contains(err.Error(), "restore "+keyPath) {
		t.Errorf("GetConnection without the key file: %v, want ErrKey naming %s", err, keyPath)
	}
	if err := s.AddConnection(ctx, sampleConn("other")); !errors.Is(err, ErrKey) {
		t.Errorf("AddConnection without the key file: %v, want ErrKey", err)
	}
	s.Close()

	if err := os.WriteFile(keyPath, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, home, "")
	if _, err := s.GetConnection(ctx, "sales"); err != nil {
		t.Errorf("GetConnection after restoring the key file: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	home := t.TempDir()
	keyPath := filepath.Join(home, "fernet.key")
	openStore(t, home, "").Close()
	first, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseKeys(string(first), keyPath); err != nil {
		t.Fatalf("generated key file: %v", err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(keyPath)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
		}
	}
	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, logs := openLogged(t, home, "")
	if again, _ := os.ReadFile(keyPath); !bytes.Equal(again, first) {
		t.Error("key file changed on reopen")
	}
	if runtime.GOOS != "windows" && !strings.Contains(logs.String(), "chmod 600") {
		t.Errorf("no warning about a loose key file in %q", logs)
	}
	if strings.Contains(logs.String(), strings.TrimSpace(string(first))) {
		t.Error("the key appears in the log")
	}
	if m, _ := filepath.Glob(filepath.Join(home, "*fernet*")); len(m) != 1 {
		t.Errorf("key files in home: %v, want only fernet.key", m)
	}
}

func TestInvalidFernetKey(t *testing.T) {
	good := newKey(t)
	for _, key := range []string{"not-a-key", "c2hvcnQ=", good + ",bogus-key-text", " , "} {
		home := t.TempDir()
		_, err := Open(t.Context(), Options{Home: home, FernetKey: key})
		if err == nil {
			t.Errorf("Open(FERNET_KEY=%q) succeeded", key)
			continue
		}
		for _, part := range []string{"FERNET_KEY", "openssl rand -base64 32 | tr '+/' '-_'"} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("error %q does not mention %q", err, part)
			}
		}
		for _, secret := range []string{"not-a-key", "c2hvcnQ", "bogus-key-text", good} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the key text", err)
			}
		}
		if _, err := os.Stat(filepath.Join(home, dbFileName)); err == nil {
			t.Error("Open with a bad FERNET_KEY created the database")
		}
	}
}

func TestNoPlaintextOnDisk(t *testing.T) {
	ctx := t.Context()
	home := t.TempDir()
	s := openStore(t, home, "")
	const password = "Sup3r-Secret-Passw0rd"
	c := Connection{Name: "prod", Engine: "postgres", DSN: "postgres://admin:" + password + "@prod-db.example:5432/app"}
	if err := s.AddConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetConnection(ctx, "prod"); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		files, _ := filepath.Glob(filepath.Join(home, dbFileName+"*"))
		if len(files) == 0 {
			t.Fatal("no database files")
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{password, "prod-db.example"} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s: %s holds %q in plaintext", when, filepath.Base(f), secret)
				}
			}
		}
	}
	check("open")
	s.Close()
	check("closed")
}
