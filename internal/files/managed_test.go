package files

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// entries lists dir, failing the test on error.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

func TestStoreContentAddressed(t *testing.T) {
	dir := t.TempDir()
	a, err := StoreText(t.Context(), "a,b\n1,2\n", dir, CSV, 0)
	must(t, err)
	if a.Existed || a.Size != 8 || filepath.Base(a.Path) != a.SHA256+".csv" {
		t.Fatalf("first store: %+v", a)
	}
	b, err := StoreText(t.Context(), "a,b\n1,2\n", dir, CSV, 0)
	must(t, err)
	if !b.Existed || b.Path != a.Path {
		t.Fatalf("second store: %+v", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("dir holds %v, want one file", got)
	}
	// sha256("") is well known; check the hash is the content's.
	e, err := Store(t.Context(), strings.NewReader(""), dir, ".csv", 0)
	must(t, err)
	if e.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("sha256 of empty = %s", e.SHA256)
	}
}

func TestStoreSizeLimit(t *testing.T) {
	dir := t.TempDir()
	_, err := StoreText(t.Context(), strings.Repeat("x", 1025), dir, CSV, 1024)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1024") ||
		!strings.Contains(err.Error(), "raise the limit") {
		t.Fatalf("err = %v", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
	if _, err := StoreText(t.Context(), strings.Repeat("x", 1024), dir, CSV, 1024); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
}

func TestStoreBase64(t *testing.T) {
	dir := t.TempDir()
	raw := []byte("PAR1\x00\x01\x02\xff")
	enc := base64.StdEncoding.EncodeToString(raw)
	st, err := StoreBase64(t.Context(), enc[:4]+"\n"+enc[4:], dir, Parquet, 0)
	must(t, err)
	got, _ := os.ReadFile(st.Path)
	if string(got) != string(raw) || filepath.Ext(st.Path) != ".parquet" {
		t.Fatalf("stored %q at %s", got, st.Path)
	}
	if _, err := StoreBase64(t.Context(), "not*base64", dir, Parquet, 0); err == nil ||
		!strings.Contains(err.Error(), "not valid base64") {
		t.Fatalf("bad base64: %v", err)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("dir holds %v", got)
	}
}

// cancelingReader yields data forever and cancels ctx after n reads.
type cancelingReader struct {
	n      int
	cancel context.CancelFunc
}

func (r *cancelingReader) Read(p []byte) (int, error) {
	r.n--
	if r.n == 0 {
		r.cancel()
	}
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestStoreCanceledMidCopy(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := Store(ctx, &cancelingReader{n: 3, cancel: cancel}, dir, ".csv", 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

func TestStoreFileRefusesOutsideRoots(t *testing.T) {
	dir, root, other := t.TempDir(), t.TempDir(), t.TempDir()
	p := filepath.Join(other, "x.csv")
	must(t, os.WriteFile(p, []byte("a\n1\n"), 0o644))
	if _, err := StoreFile(t.Context(), p, []string{root}, dir, "", 0); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("err = %v", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

// TestStoreLargeBoundedMemory stores a 50 MB CSV and checks that the heap
// grows by a small fraction of it.
func TestStoreLargeBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	src := t.TempDir()
	p := filepath.Join(src, "big.csv")
	f, err := os.Create(p)
	must(t, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id,name,amount")
	const rows = 1_500_000
	for i := range rows {
		fmt.Fprintf(w, "%d,customer number %d,%d.%02d\n", i, i%1000, i%100000, i%100)
	}
	must(t, w.Flush())
	must(t, f.Close())
	fi, _ := os.Stat(p)
	if fi.Size() < 50<<20 {
		t.Fatalf("generated only %d bytes", fi.Size())
	}

	dir := t.TempDir()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st, err := StoreFile(t.Context(), p, []string{src}, dir, "", 0)
	must(t, err)
	runtime.ReadMemStats(&after)
	if st.Size != fi.Size() {
		t.Fatalf("stored %d of %d bytes", st.Size, fi.Size())
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("file %d MB, allocated %d KB, heap growth %d KB", fi.Size()>>20, allocated>>10, growth>>10)
	if allocated > 4<<20 || growth > 4<<20 {
		t.Fatalf("copying %d bytes allocated %d bytes (heap growth %d)", fi.Size(), allocated, growth)
	}

	e := openEngine(t, dir)
	insp, err := e.Inspect(t.Context(), st.Path, CSV)
	must(t, err)
	if insp.Rows != rows {
		t.Fatalf("rows = %d, want %d", insp.Rows, rows)
	}
}
