package store

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzTamperedSecret writes arbitrary bytes as a connection's stored secret.
// GetConnection must return an error wrapping ErrKey, never panic, unless the
// bytes are exactly a token the store made.
func FuzzTamperedSecret(f *testing.F) {
	s := openStore(f, f.TempDir(), "")
	ctx := f.Context()
	if err := s.AddConnection(ctx, sampleConn("target")); err != nil {
		f.Fatal(err)
	}
	valid := rawSecretOf(f, s, "target")
	f.Add(valid)
	f.Add([]byte{})
	f.Add([]byte("gAAAAA=="))
	f.Add([]byte("%%%%"))
	f.Add(valid[:len(valid)-4])
	for _, i := range []int{0, 5, 20, 40, len(valid) / 2, len(valid) - 6} {
		b := bytes.Clone(valid)
		b[i] ^= 0x01
		f.Add(b)
	}
	for _, body := range shortBodies() {
		f.Add([]byte(forge(s.keys.keys[0], body)))
	}
	f.Fuzz(func(t *testing.T, tok []byte) {
		if _, err := s.wdb.ExecContext(ctx, `UPDATE connections SET secret = ? WHERE name = 'target'`, string(tok)); err != nil {
			t.Fatal(err)
		}
		c, err := s.GetConnection(ctx, "target")
		if bytes.Equal(tok, valid) {
			if err != nil {
				t.Fatalf("the original token: %v", err)
			}
			return
		}
		if err == nil {
			// Only a re-encoding of the original token can open.
			if _, _, oerr := openToken(s.keys.keys, valid); oerr != nil || c.DSN != sampleConn("target").DSN {
				t.Fatalf("tampered secret %q opened to a different DSN", tok)
			}
			return
		}
		if !errors.Is(err, ErrKey) {
			t.Fatalf("tampered secret: %v, want ErrKey", err)
		}
	})
}

// FuzzOpenToken feeds arbitrary tokens to the decryption path directly.
func FuzzOpenToken(f *testing.F) {
	keys, err := parseKeys(newKey(f), "test")
	if err != nil {
		f.Fatal(err)
	}
	kr := &keyring{keys: keys}
	tok, err := kr.seal([]byte(`{"dsn":"x"}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(tok))
	f.Add([]byte{})
	for _, body := range shortBodies() {
		f.Add([]byte(forge(keys[0], body)))
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, idx, err := openToken(keys, b)
		if err == nil && (idx != 0 || msg == nil) {
			t.Fatalf("openToken(%q) = %q, %d, nil", b, msg, idx)
		}
	})
}

func rawSecretOf(t testing.TB, s *Store, name string) []byte {
	t.Helper()
	var tok string
	if err := s.rdb.QueryRowContext(t.Context(), `SELECT secret FROM connections WHERE name = ?`, name).Scan(&tok); err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}
