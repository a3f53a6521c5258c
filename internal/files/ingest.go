package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Source is what an upload names: exactly one of Path (a local file under
// the roots), Content (text) or ContentBase64 (binary), with an optional
// table name and format hint.
type Source struct {
	Path          string
	Content       string
	ContentBase64 string
	Name          string // table name wanted; "" → from the file name, or "file"
	Format        string // hint: "csv", "parquet", "csv.gz", ...; "" → detect
}

// Asset is an ingested file: the fields of the store's file_assets row plus
// how to read it. Path is the managed copy.
type Asset struct {
	Name      string
	Requested string // the sanitized name asked for; differs from Name after a collision
	Format    Format
	Size      int64
	SHA256    string
	Rows      int64
	Columns   []Column
	Path      string
	Existed   bool // the same bytes were already in managed storage
	Options   ReadOptions
	ReadExpr  string
}

// Ingest stores src in the managed directory, detects its format and
// inspects it. taken reports names already in use; the asset gets the
// first free name (Unique). When detection or inspection fails, the copy
// is removed again unless the same bytes were already stored.
func (e *Engine) Ingest(ctx context.Context, src Source, roots []string, maxBytes int64, taken func(string) bool) (Asset, error) {
	hint, err := ParseFormat(src.Format)
	if err != nil {
		return Asset{}, err
	}
	var st Stored
	fileName := src.Name
	switch {
	case count(src.Path != "", src.Content != "", src.ContentBase64 != "") != 1:
		return Asset{}, errors.New("give exactly one of path, content or content_base64")
	case src.Path != "":
		st, err = StoreFile(ctx, src.Path, roots, e.dir, hint, maxBytes)
		if fileName == "" {
			fileName = filepath.Base(src.Path)
		}
	case src.Content != "":
		st, err = StoreText(ctx, src.Content, e.dir, hint, maxBytes)
	default:
		st, err = StoreBase64(ctx, src.ContentBase64, e.dir, hint, maxBytes)
	}
	if err != nil {
		return Asset{}, err
	}
	drop := func() {
		if !st.Existed {
			os.Remove(st.Path)
		}
	}
	format, err := Detect(ctx, st.Path, hint)
	if err == nil {
		st, err = settle(st, format)
	}
	if err != nil {
		drop()
		return Asset{}, err
	}
	insp, err := e.Inspect(ctx, st.Path, format)
	if err != nil {
		drop()
		return Asset{}, err
	}
	want := SanitizeName(fileName)
	if taken == nil {
		taken = func(string) bool { return false }
	}
	return Asset{
		Name: Unique(want, taken), Requested: want, Format: format,
		Size: st.Size, SHA256: st.SHA256, Rows: insp.Rows, Columns: insp.Columns,
		Path: st.Path, Existed: st.Existed, Options: insp.Options, ReadExpr: insp.ReadExpr,
	}, nil
}

// settle gives a stored file the extension of its detected format, so
// managed copies are always <sha256>.<format>.
func settle(st Stored, format Format) (Stored, error) {
	target := filepath.Join(filepath.Dir(st.Path), st.SHA256+format.Ext())
	if target == st.Path {
		return st, nil
	}
	if _, err := os.Stat(target); err == nil {
		if !st.Existed {
			os.Remove(st.Path)
		}
		st.Path, st.Existed = target, true
		return st, nil
	}
	var err error
	if st.Existed {
		err = os.Link(st.Path, target) // the old name is someone else's
	} else {
		err = os.Rename(st.Path, target)
	}
	if err != nil {
		return st, fmt.Errorf("managed storage: %w", err)
	}
	st.Path = target
	return st, nil
}

// Remove deletes a managed copy unless another asset still uses the same
// bytes (inUse). It refuses paths outside the managed directory.
func (e *Engine) Remove(path string, inUse bool) error {
	abs, err := filepath.Abs(path)
	if err != nil || !underAny(abs, []string{e.dir}) || strings.HasPrefix(filepath.Base(abs), ".") {
		return ErrNotAllowed
	}
	if inUse {
		return nil
	}
	if err := os.Remove(abs); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
