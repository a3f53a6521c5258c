package duckdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// TestWritableFileHeldAgainstOtherProcesses: while this process holds a
// file read-write, another process can open it neither read-write nor
// read-only, and is told why without DuckDB's PID and executable.
func TestWritableFileHeldAgainstOtherProcesses(t *testing.T) {
	path := makeDB(t, writeFixture)
	w := openWriter(t, path, Config{})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path, helperModeEnv+"=probe")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	want := []string{
		"rw=true unreachable: DuckDB file " + path + " is open in another process",
		"rw=false unreachable: DuckDB file " + path + " is open for writing in another process",
	}
	if len(lines) != 2 {
		t.Fatalf("child said %q", out)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, want[i]) || strings.Contains(l, "PID") {
			t.Errorf("child: %q, want %q...", l, want[i])
		}
	}
	yes, _ := answer(true, nil)
	if _, ok, err := w.Write(t.Context(), "DELETE FROM items WHERE id = 1", source.Limits{}, yes); err != nil || !ok {
		t.Errorf("write after the child's attempts: %v %v", err, ok)
	}
}

// TestWritableOpenWhileAnotherProcessReads: a file another process has
// open (read-only) cannot be opened for writing.
func TestWritableOpenWhileAnotherProcessReads(t *testing.T) {
	path := demoFile(t)
	startHelper(t, path, false)
	_, err := Open(t.Context(), Config{Path: path, ReadWrite: true})
	if source.KindOf(err) != source.KindUnreachable || !strings.Contains(err.Error(), "open in another process") {
		t.Fatalf("Open read-write of a file another process reads: %v (kind %s)", err, source.KindOf(err))
	}
}

// TestReadOnlyAndWritableInOneProcess: DuckDB shares one instance per file
// within a process and cannot have it both read-only and read-write; the
// second opener is refused with a clear error, in either order.
func TestReadOnlyAndWritableInOneProcess(t *testing.T) {
	path := makeDB(t, writeFixture)
	wantRefused := func(rw bool) {
		t.Helper()
		_, err := Open(t.Context(), Config{Path: path, ReadWrite: rw})
		if source.KindOf(err) != source.KindUnreachable || !strings.Contains(err.Error(), "other access mode") ||
			!strings.Contains(err.Error(), path) {
			t.Errorf("Open(ReadWrite=%v): %v (kind %s)", rw, err, source.KindOf(err))
		}
	}
	ro := openSource(t, Config{Path: path})
	wantRefused(true)
	if n := scalar(t, ro, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("read-only source after the refused open: %v", n)
	}
	ro.Close()

	w := openWriter(t, path, Config{})
	wantRefused(false)
	// A second read-write Source of the same file shares the instance.
	w2 := openWriter(t, path, Config{})
	yes, _ := answer(true, nil)
	if _, _, err := w2.Write(t.Context(), "DELETE FROM items WHERE id = 5", source.Limits{}, yes); err != nil {
		t.Fatal(err)
	}
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(4) {
		t.Errorf("items seen by the first writer: %v", n)
	}
	w.Close()
	w2.Close()
	if n := scalar(t, openSource(t, Config{Path: path}), "SELECT count(*) FROM items"); n != int64(4) {
		t.Errorf("items after reopening read-only: %v", n)
	}
}

// TestWritableBesideReadOnlyFiles: a read-write Source changes nothing
// about read-only Sources of other files in the process.
func TestWritableBesideReadOnlyFiles(t *testing.T) {
	ro := openSource(t, Config{Path: makeDB(t, writeFixture)})
	w := openWriter(t, makeDB(t, writeFixture), Config{})
	yes, _ := answer(true, nil)
	if _, ok, err := w.Write(t.Context(), "DELETE FROM items", source.Limits{}, yes); err != nil || !ok {
		t.Fatalf("write: %v %v", err, ok)
	}
	e := wantKind(t, ro, "DELETE FROM items", source.KindReadOnly)
	if !strings.Contains(e.Message, "read-only") {
		t.Errorf("read-only source: %q", e.Message)
	}
	if _, _, err := ro.Write(t.Context(), "DELETE FROM items", source.Limits{}, yes); source.KindOf(err) != source.KindReadOnly {
		t.Errorf("Write on the read-only source: %v", err)
	}
	wantKind(t, ro, "SELECT * FROM read_csv('/etc/passwd')", source.KindSandbox)
	if n := scalar(t, ro, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("read-only file: %v items", n)
	}
}

// TestWriteConflict: a write that touches a row another write holds
// (waiting for confirmation) fails at once and leaves nothing behind; the
// first one still commits.
func TestWriteConflict(t *testing.T) {
	w := openWriter(t, makeDB(t, writeFixture), Config{})
	var second error
	first := func(ctx context.Context, _ source.Change) (bool, error) {
		yes, _ := answer(true, nil)
		_, _, second = w.Write(ctx, "UPDATE items SET name = 'second' WHERE id = 1", source.Limits{}, yes)
		return true, nil
	}
	if _, ok, err := w.Write(t.Context(), "UPDATE items SET name = 'first' WHERE id = 1", source.Limits{}, first); err != nil || !ok {
		t.Fatalf("first write: %v %v", err, ok)
	}
	var e *source.Error
	if !errors.As(second, &e) || !strings.Contains(e.Message, "Conflict") || !strings.Contains(e.Hint, "retry") {
		t.Errorf("second write: %v, want a conflict", second)
	}
	if got := scalar(t, w, "SELECT name FROM items WHERE id = 1"); got != "first" {
		t.Errorf("name = %v", got)
	}
}

// TestPendingWritesLeaveQueriesAConnection: writes waiting for confirmation
// hold at most maxPendingWrites connections; one more waits (and gives up
// with its ctx) while queries go on.
func TestPendingWritesLeaveQueriesAConnection(t *testing.T) {
	w := openWriter(t, makeDB(t, writeFixture), Config{})
	release := make(chan struct{})
	var started, done sync.WaitGroup
	errs := make([]error, maxPendingWrites)
	for i := range maxPendingWrites {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			confirm := func(context.Context, source.Change) (bool, error) {
				started.Done()
				<-release
				return true, nil
			}
			_, _, errs[i] = w.Write(t.Context(), fmt.Sprintf("INSERT INTO items VALUES (%d, 'p', 0)", 100+i),
				source.Limits{}, confirm)
		}()
	}
	started.Wait()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, ok, err := w.Write(ctx, "INSERT INTO items VALUES (200, 'late', 0)", source.Limits{}, neverConfirm(t))
	if source.KindOf(err) != source.KindTimeout || ok {
		t.Errorf("write beyond the limit: %v (kind %s)", err, source.KindOf(err))
	}
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(5) {
		t.Errorf("query while writes wait: %v", n)
	}
	close(release)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("pending write %d: %v", i, err)
		}
	}
	if n := scalar(t, w, "SELECT count(*) FROM items"); n != int64(5+maxPendingWrites) {
		t.Errorf("items after the pending writes: %v", n)
	}
}
