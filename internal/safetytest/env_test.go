package safetytest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/store"
	"github.com/iopsdata/iopsdata/tools"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

var update = flag.Bool("update", false, "rewrite want.txt files (outcome lines are kept)")

// secretEnv names the environment variable that carries the run's secret.
const secretEnv = "IOPSDATA_SAFETYTEST_SECRET"

// secret is a random value planted where an attack might find it: the
// server home's secret.txt, a stored DSN's password and this process's
// environment (so /proc/self/environ holds it). It must never come back.
var secret string

// TestMain puts the secret into the process environment as the kernel sees
// it: os.Setenv does not change /proc/self/environ, so the test binary
// starts itself again with the variable set.
func TestMain(m *testing.M) {
	if s := os.Getenv(secretEnv); s != "" {
		secret = s
		os.Exit(m.Run())
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		fmt.Fprintln(os.Stderr, "safetytest: random secret:", err)
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), secretEnv+"=sfz"+hex.EncodeToString(b))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "safetytest: re-run with the secret in the environment:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

// server is a real iOpsData server, wired as main.go wires it, behind an
// in-process MCP client.
type server struct {
	c    *client.Client
	home string
	// secrets must appear in no output: the run's secret and, once a
	// connection is stored, the Fernet key.
	secrets []string
}

func newServer(t *testing.T) *server {
	t.Helper()
	home := t.TempDir()
	// Readable by the PostgreSQL server's OS user, so that a file-reading
	// attack through PostgreSQL is stopped by iOpsData, not by permissions.
	for _, d := range []string{filepath.Dir(home), home} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(home, "secret.txt"), secret+"\n")
	filesDir := filepath.Join(home, "files")
	if err := os.Mkdir(filesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), store.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cm := conns.New(st, conns.Config{Home: home, FilesDir: filesDir}, nil, nil)
	t.Cleanup(cm.Close)
	runner := query.New(cm, st, query.Limits{}, nil)
	s := tools.NewServer(&tools.Deps{Conns: cm, Runner: runner, Store: st, Catalog: catalog.NewCache(0)}, tools.Options{Name: "safetytest", Version: "test"})
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	return &server{c: c, home: home, secrets: secretForms(secret)}
}

// secretForms are the ways the secret could come back: whole, hex-encoded
// (bytea output), base64-encoded, and any ten characters of it (a partial
// read).
func secretForms(s string) []string {
	out := []string{hex.EncodeToString([]byte(s)), base64.StdEncoding.EncodeToString([]byte(s))}
	for i := 0; i+10 <= len(s); i++ {
		out = append(out, s[i:i+10])
	}
	return out
}

// result is one tool call's answer, as a client sees it.
type result struct {
	isError    bool
	text       string // every text content block, joined
	structured string // structuredContent as JSON
}

func (s *server) call(ctx context.Context, t *testing.T, tool string, args map[string]any) result {
	t.Helper()
	r, err := s.callRaw(ctx, tool, args)
	if err != nil {
		t.Fatal(err)
	}
	s.checkSecrets(t, tool, r.text, r.structured)
	return r
}

// callRaw makes a call without failing the test, so that a goroutine may
// use it.
func (s *server) callRaw(ctx context.Context, tool string, args map[string]any) (result, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := s.c.CallTool(ctx, req)
	if err != nil {
		return result{}, fmt.Errorf("%s: protocol error: %w", tool, err)
	}
	r := result{isError: res.IsError}
	var sb strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			sb.WriteString(tc.Text)
		}
	}
	r.text = sb.String()
	if res.StructuredContent != nil {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			return r, fmt.Errorf("%s: structured content: %w", tool, err)
		}
		r.structured = string(b)
	}
	return r, nil
}

// mustCall calls a tool that must succeed.
func (s *server) mustCall(t *testing.T, tool string, args map[string]any) result {
	t.Helper()
	r := s.call(t.Context(), t, tool, args)
	if r.isError {
		t.Fatalf("%s(%v): %s", tool, args, r.text)
	}
	return r
}

// checkSecrets fails the test when any output holds a secret.
func (s *server) checkSecrets(t *testing.T, tool string, outputs ...string) {
	t.Helper()
	for _, out := range outputs {
		for _, sec := range s.secrets {
			if sec != "" && strings.Contains(out, sec) {
				t.Errorf("SECRET LEAKED by %s: the output holds %q:\n%s", tool, sec, out)
				break
			}
		}
	}
}

// addFernetKey adds the generated key file's keys to the secrets. The store
// writes it with the first stored connection.
func (s *server) addFernetKey(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.home, "fernet.key"))
	if err != nil {
		t.Fatalf("the store wrote no fernet.key: %v", err)
	}
	for _, k := range strings.Fields(strings.ReplaceAll(string(b), ",", " ")) {
		s.secrets = append(s.secrets, k)
	}
}

// logEntry is the newest query log entry of a connection.
type logEntry struct {
	Tool    string `json:"tool"`
	SQL     string `json:"sql"`
	Verdict string `json:"verdict"`
	Error   string `json:"error"`
}

func (s *server) lastLogEntry(t *testing.T, conn string) logEntry {
	t.Helper()
	r := s.mustCall(t, "query_history", map[string]any{"connection": conn, "limit": 1})
	h := history(t, r)
	if len(h) == 0 {
		t.Fatalf("query_history of %s is empty", conn)
	}
	return h[0]
}

func history(t *testing.T, r result) []logEntry {
	t.Helper()
	var out struct {
		Entries []logEntry `json:"entries"`
	}
	if err := json.Unmarshal([]byte(r.structured), &out); err != nil {
		t.Fatalf("query_history: %v: %s", err, r.structured)
	}
	return out.Entries
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
