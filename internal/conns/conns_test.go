package conns

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/store"
)

func newManager(t *testing.T, home string) (*Manager, *store.Store) {
	t.Helper()
	st, err := store.Open(t.Context(), store.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := New(st, Config{Home: home, DemoPath: filepath.Join(home, "demo.duckdb")}, nil, nil)
	t.Cleanup(m.Close)
	return m, st
}

func count(t *testing.T, m *Manager, conn string) any {
	t.Helper()
	h, err := m.Get(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Source.Query(t.Context(), "SELECT count(*) FROM customers", source.Limits{MaxRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0]
}

func TestDemoIsBuiltinAndConcurrentGetsOpenOnce(t *testing.T) {
	m, _ := newManager(t, t.TempDir())
	var wg sync.WaitGroup
	srcs := make([]source.Source, 8)
	for i := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := m.Get(context.Background(), Demo)
			if err != nil {
				t.Error(err)
				return
			}
			srcs[i] = h.Source
		}()
	}
	wg.Wait()
	for _, s := range srcs[1:] {
		if s != srcs[0] {
			t.Fatal("concurrent Gets opened the demo database more than once")
		}
	}
	list, err := m.List(t.Context())
	if err != nil || len(list) != 2 || list[0].Name != Demo || list[0].DSN != "" || list[1].Name != Files || list[1].DSN != "" {
		t.Fatalf("List: %+v %v", list, err)
	}
	if err := m.Remove(t.Context(), Demo); !errors.Is(err, ErrBuiltin) {
		t.Fatalf("removing demo: %v", err)
	}
}

// TestSeesOtherProcessChanges: a second manager on the same home (another
// server process) removes and re-adds a connection under the same name with
// another file; the first notices within the revalidation time.
func TestSeesOtherProcessChanges(t *testing.T) {
	home := t.TempDir()
	a, _ := newManager(t, home)
	b, _ := newManager(t, home)
	demo := filepath.Join(home, "demo.duckdb")
	if err := duckdb.EnsureDemo(t.Context(), demo); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.duckdb")
	if err := duckdb.EnsureDemo(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Add(t.Context(), store.Connection{Name: "shop", Engine: "duckdb", DSN: demo, ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	first := count(t, b, "shop")
	if err := a.Remove(t.Context(), "shop"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(revalidate + 100*time.Millisecond)
	if _, err := b.Get(t.Context(), "shop"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed in another process, still usable here: %v", err)
	}
	if _, err := a.Add(t.Context(), store.Connection{Name: "shop", Engine: "duckdb", DSN: other, ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	h, err := b.Get(t.Context(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if h.Conn.DSN != "" {
		t.Fatal("Handle exposes the DSN")
	}
	if got := count(t, b, "shop"); got != first {
		t.Fatalf("same demo data expected in both files: %v vs %v", got, first)
	}
}

func TestAddValidates(t *testing.T) {
	m, st := newManager(t, t.TempDir())
	for _, c := range []store.Connection{
		{Name: "files", Engine: "duckdb", DSN: "/x"},
		{Name: "9lives", Engine: "duckdb", DSN: "/x"},
		{Name: "ok", Engine: "oracle", DSN: "x"},
		{Name: "ok", Engine: "postgres", DSN: " "},
		{Name: "ok", Engine: "duckdb", DSN: ":memory:"},
		{Name: "ok", Engine: "duckdb", DSN: t.TempDir()},
	} {
		if _, err := m.Add(t.Context(), c); err == nil {
			t.Errorf("Add(%+v) succeeded", c)
		}
	}
	if list, _ := st.ListConnections(t.Context()); len(list) != 0 {
		t.Fatalf("failed adds stored %v", list)
	}
}
