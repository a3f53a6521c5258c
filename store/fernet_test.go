package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fernet/fernet-go"
)

// vectorDir holds the Fernet spec vectors (see its SOURCE.md). It lives
// outside the repository; tests that need it skip when it is absent.
const vectorDir = "../../shared/testdata/fernet"

type fernetVector struct {
	Desc   string    `json:"desc"`
	Token  string    `json:"token"`
	Now    time.Time `json:"now"`
	IVInts []int     `json:"iv"`
	TTLSec int       `json:"ttl_sec"`
	Src    string    `json:"src"`
	Secret string    `json:"secret"`
}

func readVectors(t *testing.T, name string) []fernetVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("Fernet spec vectors not found at %s (they live in ../shared, outside the repository)", vectorDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var vs []fernetVector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(vs) == 0 {
		t.Fatalf("%s holds no vectors", name)
	}
	return vs
}

// vectorKeyring decodes a vector's secret the way the store decodes FERNET_KEY.
func vectorKeyring(t *testing.T, v fernetVector) *keyring {
	t.Helper()
	keys, err := parseKeys(v.Secret, "vector secret")
	if err != nil {
		t.Fatal(err)
	}
	return &keyring{keys: keys}
}

func TestFernetSpecValid(t *testing.T) {
	for _, file := range []string{"generate.json", "verify.json"} {
		for _, v := range readVectors(t, file) {
			msg, idx, err := vectorKeyring(t, v).open(v.Token)
			if err != nil || idx != 0 || string(msg) != v.Src {
				t.Errorf("%s: open = %q, key %d, %v; want %q", file, msg, idx, err, v.Src)
			}
			raw, err := base64.URLEncoding.DecodeString(v.Token)
			if err != nil {
				t.Fatal(err)
			}
			if ts := int64(binary.BigEndian.Uint64(raw[1:9])); file == "generate.json" && ts != v.Now.Unix() {
				t.Errorf("%s: token timestamp %d, want %d", file, ts, v.Now.Unix())
			}
			for i, b := range v.IVInts {
				if raw[9+i] != byte(b) {
					t.Errorf("%s: token IV byte %d = %d, want %d", file, i, raw[9+i], b)
				}
			}
		}
	}
}

// The store opens tokens without a TTL (stored secrets do not expire), so the
// two vectors that are invalid only because of the clock decrypt; see SOURCE.md.
var clockOnlyVectors = map[string]bool{
	"expired TTL": true,
	"far-future TS (unacceptable clock skew)": true,
}

func TestFernetSpecInvalid(t *testing.T) {
	vs := readVectors(t, "invalid.json")
	seen := 0
	for _, v := range vs {
		_, _, err := vectorKeyring(t, v).open(v.Token)
		switch {
		case clockOnlyVectors[v.Desc]:
			seen++
			if err != nil {
				t.Errorf("%q: %v; without a TTL only the clock makes it invalid", v.Desc, err)
			}
		case err == nil:
			t.Errorf("%q: decrypted, want an error", v.Desc)
		}
	}
	if seen != len(clockOnlyVectors) || len(vs) != 8 {
		t.Errorf("invalid.json: %d vectors, %d clock-only; want 8 and %d", len(vs), seen, len(clockOnlyVectors))
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	keys, err := parseKeys(k1+","+k2, "FERNET_KEY")
	if err != nil {
		t.Fatal(err)
	}
	old := &keyring{keys: keys[1:]}
	cur := &keyring{keys: keys}
	for _, msg := range []string{"", "x", `{"dsn":"postgres://u:p@h/db"}`, string(make([]byte, 1000))} {
		tok, err := old.seal([]byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		got, idx, err := cur.open(tok)
		if err != nil || idx != 1 || string(got) != msg {
			t.Errorf("open(seal(%q)) = %q, key %d, %v; want key 1", msg, got, idx, err)
		}
	}
}

// forge builds a token from body (everything before the HMAC) with a valid
// HMAC under k: only the holder of the key could make one.
func forge(k *fernet.Key, body []byte) string {
	mac := hmac.New(sha256.New, k[:16])
	mac.Write(body)
	return base64.URLEncoding.EncodeToString(mac.Sum(body))
}

func shortBodies() map[string][]byte {
	hdr := make([]byte, 1+8+16) // version, timestamp, IV
	hdr[0] = tokenVersion
	return map[string][]byte{
		"no IV":           hdr[:9],
		"empty payload":   hdr,
		"partial IV":      hdr[:20],
		"partial payload": append(append([]byte{}, hdr...), make([]byte, 8)...),
	}
}

// Tokens whose HMAC verifies but that are too short to hold a block make
// fernet-go index out of range; openToken must refuse them first.
func TestOpenTokenShortForged(t *testing.T) {
	keys, err := parseKeys(newKey(t), "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range shortBodies() {
		tok := forge(keys[0], body)
		if _, _, err := openToken(keys, []byte(tok)); !errors.Is(err, errToken) {
			t.Errorf("%s: openToken = %v, want errToken", name, err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Logf("%s: fernet-go alone panics: %v", name, r)
				}
			}()
			fernet.VerifyAndDecrypt([]byte(tok), 0, keys)
		}()
	}
}
