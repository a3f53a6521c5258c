package store

import (
	"crypto/aes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/fernet/fernet-go"
)

const (
	keyFileName = "fernet.key"
	keyHowTo    = "make one with: openssl rand -base64 32 | tr '+/' '-_'"

	// Fernet token layout: version(1) | timestamp(8) | IV(16) | ciphertext(16n) | HMAC(32).
	tokenOverhead = 1 + 8 + aes.BlockSize + sha256.Size
	tokenVersion  = 0x80
)

var errToken = errors.New("not a valid Fernet token")

// keyring holds the Fernet keys in use: keys[0] encrypts, all decrypt.
// It is empty when the key file is missing while the store holds secrets.
type keyring struct {
	keys    []*fernet.Key
	fromEnv bool   // keys came from FERNET_KEY
	file    string // <home>/fernet.key
}

// parseKeys decodes comma-separated Fernet keys. Errors name origin (FERNET_KEY
// or the key file) and the position of the bad key, never the key itself.
func parseKeys(text, origin string) ([]*fernet.Key, error) {
	parts := strings.Split(text, ",")
	keys := make([]*fernet.Key, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, err := fernet.DecodeKey(p)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d of %d is not a 32-byte url-safe base64 value; %s",
				origin, i+1, len(parts), keyHowTo)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key; %s", origin, keyHowTo)
	}
	return keys, nil
}

// readKeyFile reads <home>/fernet.key. It returns fs.ErrNotExist (wrapped)
// when the file is missing, and warns when the file is readable by others.
func readKeyFile(path string, log *slog.Logger) ([]*fernet.Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && runtime.GOOS != "windows" {
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			log.Warn("key file is readable by other users; restrict it with chmod 600",
				"path", path, "mode", fmt.Sprintf("%#o", perm))
		}
	}
	return parseKeys(string(b), path)
}

// createKeyFile generates a key and publishes it at path atomically: the key
// is written to a private temporary file which is then hard-linked to path.
// Linking fails if path exists, so when several processes race exactly one
// key wins and everyone reads it. Returns nil if path already exists.
func createKeyFile(path string) error {
	var k fernet.Key
	if err := k.Generate(); err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".fernet.key.*") // mode 0600
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(k.Encode() + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return fmt.Errorf("create key file: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a new directory entry durable; best effort (not on Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// seal encrypts plain with the first key.
func (kr *keyring) seal(plain []byte) (string, error) {
	if len(kr.keys) == 0 {
		return "", errNoKey
	}
	tok, err := fernet.EncryptAndSign(plain, kr.keys[0])
	if err != nil {
		return "", fmt.Errorf("encrypt: %w", err)
	}
	return string(tok), nil
}

var errNoKey = errors.New("no key")

// open decrypts tok and reports which key worked (0 is the current key).
func (kr *keyring) open(tok string) (plain []byte, idx int, err error) {
	if len(kr.keys) == 0 {
		return nil, -1, errNoKey
	}
	return openToken(kr.keys, []byte(tok))
}

// openToken verifies and decrypts a Fernet token without a TTL. It checks the
// token's shape first: fernet-go indexes out of range on some short tokens
// whose HMAC verifies, and stored data must never crash the server.
func openToken(keys []*fernet.Key, tok []byte) ([]byte, int, error) {
	raw := make([]byte, base64.URLEncoding.DecodedLen(len(tok)))
	n, err := base64.URLEncoding.Strict().Decode(raw, tok)
	if err != nil {
		return nil, -1, errToken
	}
	raw = raw[:n]
	if n < tokenOverhead+aes.BlockSize || (n-tokenOverhead)%aes.BlockSize != 0 || raw[0] != tokenVersion {
		return nil, -1, errToken
	}
	for i, k := range keys {
		if msg := fernet.VerifyAndDecrypt(tok, 0, []*fernet.Key{k}); msg != nil {
			return msg, i, nil
		}
	}
	return nil, -1, errToken
}

// loadKeyring takes the keys from FERNET_KEY (env) or from <home>/fernet.key,
// generating the file on first run. When the file is missing but the store
// already holds secrets, no new key is made (it could never decrypt them and
// would be in the way of restoring the old file): the keyring stays empty and
// every decryption fails with ErrKey until the file is restored.
func loadKeyring(home, env string, log *slog.Logger, hasSecrets func() (bool, error)) (keyring, error) {
	kr := keyring{file: filepath.Join(home, keyFileName)}
	if env != "" {
		keys, err := parseKeys(env, "FERNET_KEY")
		if err != nil {
			return kr, err
		}
		kr.keys, kr.fromEnv = keys, true
		return kr, nil
	}
	keys, err := readKeyFile(kr.file, log)
	if errors.Is(err, fs.ErrNotExist) {
		has, herr := hasSecrets()
		if herr != nil {
			return kr, herr
		}
		if !has {
			if err := createKeyFile(kr.file); err != nil {
				return kr, err
			}
		}
		// Read again: another process may have created the file meanwhile.
		keys, err = readKeyFile(kr.file, log)
		if has && errors.Is(err, fs.ErrNotExist) {
			log.Warn("key file is missing but the store holds encrypted connections; restore it or set FERNET_KEY",
				"path", kr.file)
			return kr, nil
		}
	}
	if err != nil {
		return kr, err
	}
	kr.keys = keys
	return kr, nil
}
