package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	helperEnv     = "IOPSDATA_STORE_HELPER" // "home|id" when running as a helper process
	helperConns   = 5
	helperQueries = 300
)

// TestTwoProcesses starts two real processes on the same fresh home at the
// same moment. Each opens the store (migrating it and making the key file
// if it gets there first), adds connections, logs queries and reads history.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	home := t.TempDir()
	gate := filepath.Join(home, "go")
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for id := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", helperEnv, home, id))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	// Both processes wait for the gate file, so they open the store together.
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v\n%s", i, err, outs[i])
		}
	}
	if t.Failed() {
		return
	}

	ctx := t.Context()
	s := openStore(t, home, "")
	list, err := s.ListConnections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2*helperConns {
		t.Errorf("%d connections, want %d", len(list), 2*helperConns)
	}
	for _, c := range list {
		if _, err := s.GetConnection(ctx, c.Name); err != nil {
			t.Errorf("GetConnection(%s): %v", c.Name, err)
		}
	}
	hist, err := s.QueryHistory(ctx, HistoryFilter{Limit: 5 * helperQueries})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2*helperQueries {
		t.Errorf("%d log entries, want %d", len(hist), 2*helperQueries)
	}
	keys, _ := filepath.Glob(filepath.Join(home, "*fernet*"))
	if len(keys) != 1 || filepath.Base(keys[0]) != keyFileName {
		t.Errorf("key files: %v, want exactly %s", keys, keyFileName)
	}
	if err := s.KeyCheck(ctx); err != nil {
		t.Errorf("KeyCheck: %v", err)
	}
}

// TestHelperProcess is the body of one helper process for TestTwoProcesses;
// it does nothing in a normal test run.
func TestHelperProcess(t *testing.T) {
	arg := os.Getenv(helperEnv)
	if arg == "" {
		t.Skip("helper process for TestTwoProcesses")
	}
	i := strings.LastIndexByte(arg, '|')
	home, id := arg[:i], arg[i+1:]
	gate := filepath.Join(home, "go")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(gate); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			t.Fatalf("waiting for the start gate: %v", err)
		}
	}
	ctx := t.Context()
	s, err := Open(ctx, Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range helperConns {
		c := sampleConn(fmt.Sprintf("p%s_c%d", id, i))
		if err := s.AddConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range helperQueries {
		e := QueryLogEntry{Connection: "p" + id + "_c0", Tool: "execute_sql", SQL: "select " + strconv.Itoa(i), Verdict: "ok"}
		if err := s.LogQuery(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if _, err := s.QueryHistory(ctx, HistoryFilter{Connection: e.Connection}); err != nil {
				t.Fatal(err)
			}
		}
	}
	hist, err := s.QueryHistory(ctx, HistoryFilter{Connection: "p" + id + "_c0", Limit: 1000})
	if err != nil || len(hist) != helperQueries {
		t.Fatalf("own history: %d entries, %v; want %d", len(hist), err, helperQueries)
	}
	for i := range helperConns {
		if _, err := s.GetConnection(ctx, fmt.Sprintf("p%s_c%d", id, i)); err != nil {
			t.Fatal(err)
		}
	}
}
