package duckdb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

const (
	helperEnv     = "IOPSDATA_DUCKDB_HELPER"      // the file the child opens
	helperModeEnv = "IOPSDATA_DUCKDB_HELPER_MODE" // "rw": open it for writing; "probe": see below
)

// helperProcess runs in a child test binary: it opens the file named by
// the environment, answers one query, and holds the file open until stdin
// closes, so the parent can open the same file at the same time. In
// "probe" mode it instead tries Open read-write, then read-only, prints
// one line for each and exits.
func helperProcess() int {
	if os.Getenv(helperModeEnv) == "probe" {
		return helperProbe(os.Getenv(helperEnv))
	}
	count, closeFn, err := helperOpen(os.Getenv(helperEnv), os.Getenv(helperModeEnv) == "rw")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer closeFn()
	fmt.Println("orders", count)
	var buf [1]byte
	os.Stdin.Read(buf[:]) // wait for the parent
	return 0
}

func helperProbe(path string) int {
	for _, rw := range []bool{true, false} {
		s, err := Open(context.Background(), Config{Path: path, ReadWrite: rw})
		if err == nil {
			s.Close()
			fmt.Printf("rw=%v opened\n", rw)
			continue
		}
		fmt.Printf("rw=%v %s: %v\n", rw, source.KindOf(err), err)
	}
	return 0
}

func helperOpen(path string, write bool) (any, func() error, error) {
	if write {
		db, err := sql.Open("duckdb", path)
		if err != nil {
			return nil, nil, err
		}
		var n int64
		err = db.QueryRow("SELECT count(*) FROM orders").Scan(&n)
		return n, db.Close, err
	}
	s, err := Open(context.Background(), Config{Path: path})
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Query(context.Background(), "SELECT count(*) FROM orders", source.Limits{})
	if err != nil {
		return nil, nil, err
	}
	return res.Rows[0][0], s.Close, nil
}

// startHelper starts a child process holding path open and waits until it
// has answered its query.
func startHelper(t *testing.T, path string, write bool) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	if write {
		cmd.Env = append(cmd.Env, helperModeEnv+"=rw")
	}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if strings.TrimSpace(l) != "orders 1500" {
			t.Fatalf("child process: %q", l)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child process did not answer")
	}
}

func TestOpenMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.duckdb")
	_, err := Open(t.Context(), Config{Path: path})
	if source.KindOf(err) != source.KindNoDatabase || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open(missing): %v (kind %s), want KindNoDatabase naming the file", err, source.KindOf(err))
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("Open created %s", path)
	}
}

func TestOpenNotDuckDB(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, bytes.Repeat([]byte("hello world\n"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{text, dir} {
		_, err := Open(t.Context(), Config{Path: path})
		if source.KindOf(err) != source.KindNoDatabase || !strings.Contains(err.Error(), path) {
			t.Errorf("Open(%s): %v (kind %s), want KindNoDatabase naming the file", path, err, source.KindOf(err))
		}
	}
}

func TestOpenPathWithSpaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop file.duckdb")
	if err := EnsureDemo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	s := openSource(t, Config{Path: path})
	if n := scalar(t, s, "SELECT count(*) FROM customers"); n != int64(320) {
		t.Errorf("customers: %v", n)
	}
}

func TestPing(t *testing.T) {
	s := openDemo(t, Config{})
	info, err := s.Ping(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.ServerVersion, "v1.") || info.Database != "demo" {
		t.Errorf("Ping: %+v", info)
	}
	if s.Engine() != source.DuckDB {
		t.Errorf("Engine: %q", s.Engine())
	}
}

func fileDigest(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestTwoSourcesOneFile(t *testing.T) {
	path := makeDB(t, "CREATE TABLE t AS SELECT range AS i FROM range(10)")
	before := fileDigest(t, path)
	a := openSource(t, Config{Path: path})
	b := openSource(t, Config{Path: path})
	for _, s := range []*Source{a, b} {
		if n := scalar(t, s, "SELECT count(*) FROM t"); n != int64(10) {
			t.Errorf("count: %v", n)
		}
		wantKind(t, s, "CREATE TABLE x (i INTEGER)", source.KindReadOnly)
		wantKind(t, s, "INSERT INTO t VALUES (11)", source.KindReadOnly)
	}
	a.Close()
	if n := scalar(t, b, "SELECT count(*) FROM t"); n != int64(10) {
		t.Errorf("count after closing the other source: %v", n)
	}
	b.Close()
	if fileDigest(t, path) != before {
		t.Errorf("the database file changed")
	}
}

func TestTwoProcessesOneFile(t *testing.T) {
	path := demoFile(t)
	startHelper(t, path, false)
	s := openSource(t, Config{Path: path})
	if n := scalar(t, s, "SELECT count(*) FROM orders"); n != int64(1500) {
		t.Errorf("orders while the child holds the file: %v", n)
	}
}

func TestOpenWhileAnotherProcessWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.duckdb")
	if err := EnsureDemo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	startHelper(t, path, true)
	_, err := Open(t.Context(), Config{Path: path})
	if err == nil || !strings.Contains(err.Error(), "another process") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open of a file held for writing: %v", err)
	}
}
