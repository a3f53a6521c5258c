package conns

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/store"
)

// TestFilesViewsFiles: the files connection is rebuilt under a new views
// file when the assets change, and this manager's views files are deleted
// when it closes, while a stale one of another process is swept.
func TestFilesViewsFiles(t *testing.T) {
	home := t.TempDir()
	m, st := newManager(t, home)
	views := filepath.Join(home, "files", ".views")
	if err := os.MkdirAll(views, 0o700); err != nil {
		t.Fatal(err)
	}
	stale, fresh := filepath.Join(views, "1-1-old.duckdb"), filepath.Join(views, "2-1-new.duckdb")
	for _, p := range []string{stale, fresh} {
		os.WriteFile(p, nil, 0o600)
	}
	old := time.Now().Add(-48 * time.Hour)
	os.Chtimes(stale, old, old)

	h1, err := m.Get(t.Context(), Files)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddFileAsset(t.Context(), store.FileAsset{Name: "x", Format: "csv", Path: "/nowhere.csv"}); err != nil {
		t.Fatal(err)
	}
	m.FilesChanged()
	h2, err := m.Get(t.Context(), Files)
	if err != nil {
		t.Fatal(err)
	}
	if h1.Source == h2.Source {
		t.Fatal("files connection not reopened after the assets changed")
	}
	m.Close()
	var left []string
	for deadline := time.Now().Add(2 * time.Second); ; { // replaced sources close in the background
		entries, _ := os.ReadDir(views)
		left = left[:0]
		for _, de := range entries {
			left = append(left, de.Name())
		}
		if len(left) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(left) != 1 || left[0] != "2-1-new.duckdb" {
		t.Fatalf("views files left: %v (want only the other process's recent one)", left)
	}
}
