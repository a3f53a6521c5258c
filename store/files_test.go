package store

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestFileAssets(t *testing.T) {
	home := t.TempDir()
	s := openStore(t, home, newKey(t))
	ctx := t.Context()
	version := func() string {
		t.Helper()
		v, err := s.FilesVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	a := FileAsset{Name: "sales", Format: "csv", Size: 10, SHA256: "ab", RowCount: 3,
		Columns: json.RawMessage(`[{"name":"id","type":"BIGINT"}]`), Path: "/x/ab.csv",
		ReadOptions: json.RawMessage(`{"format":"csv"}`)}
	if err := s.AddFileAsset(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFileAsset(ctx, a); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	v1 := version()
	if v1 == v0 {
		t.Fatal("version did not change on add")
	}
	b := a
	b.Name, b.ReadOptions, b.Columns = "another", nil, nil
	if err := s.AddFileAsset(ctx, b); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListFileAssets(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "another" || string(list[0].ReadOptions) != "{}" || string(list[0].Columns) != "[]" {
		t.Fatalf("list: %+v %v", list, err)
	}
	got, err := s.GetFileAsset(ctx, "sales")
	if err != nil || got.RowCount != 3 || string(got.ReadOptions) != `{"format":"csv"}` || got.CreatedAt.IsZero() {
		t.Fatalf("get: %+v %v", got, err)
	}
	v2 := version()
	// Remove and re-add the last one: same count and max rowid, new version.
	if err := s.RemoveFileAsset(ctx, "another"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFileAsset(ctx, b); err != nil {
		t.Fatal(err)
	}
	if v := version(); v == v2 || v == v1 {
		t.Fatalf("version %q repeats an earlier one", v)
	}
	if err := s.RemoveFileAsset(ctx, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("remove ghost: %v", err)
	}
	if _, err := s.GetFileAsset(ctx, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get ghost: %v", err)
	}
	// Another process on the same home sees the same version.
	other := openStore(t, home, "")
	if v, err := other.FilesVersion(ctx); err != nil || v != version() {
		t.Fatalf("other process: %q %v, want %q", v, err, version())
	}
}
