package files

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// LimitFlag is the server flag named in the size-limit error.
const LimitFlag = "--files-max-bytes"

// copyChunk is the copy buffer: memory per upload stays at this size.
const copyChunk = 256 << 10

// Stored is a file in managed storage.
type Stored struct {
	Path    string // <dir>/<sha256><ext>, absolute
	SHA256  string // hex
	Size    int64
	Existed bool // the same bytes were already stored; nothing new was written
}

// Store streams r into dir under a temporary name while hashing it, then
// renames it to <sha256><ext>. The same bytes are stored once: when the
// target exists the temporary file is dropped and Existed is set. More than
// maxBytes (when > 0) is ErrTooLarge. On any error, including ctx being
// canceled mid-copy, nothing is left in dir.
func Store(ctx context.Context, r io.Reader, dir, ext string, maxBytes int64) (Stored, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*.tmp")
	if err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := copyCtx(ctx, io.MultiWriter(tmp, h), r, maxBytes)
	if err != nil {
		return Stored{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	st := Stored{Path: filepath.Join(dir, sum+cleanExt(ext)), SHA256: sum, Size: n}
	if fi, err := os.Stat(st.Path); err == nil && fi.Mode().IsRegular() && fi.Size() == n {
		st.Existed = true
		os.Remove(tmp.Name())
		done = true
		return st, nil
	}
	if err := ctx.Err(); err != nil {
		return Stored{}, err
	}
	if err := os.Rename(tmp.Name(), st.Path); err != nil {
		return Stored{}, fmt.Errorf("managed storage: %w", err)
	}
	done = true
	return st, nil
}

// copyCtx copies in fixed chunks, checking ctx between them and failing
// once more than maxBytes (when > 0) have been read.
func copyCtx(ctx context.Context, w io.Writer, r io.Reader, maxBytes int64) (int64, error) {
	buf := make([]byte, copyChunk)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := r.Read(buf)
		if k > 0 {
			n += int64(k)
			if maxBytes > 0 && n > maxBytes {
				return n, fmt.Errorf("%w: more than %s (limit %d bytes); "+
					"raise the limit with %s, or upload a smaller or gzip-compressed file",
					ErrTooLarge, humanBytes(maxBytes), maxBytes, LimitFlag)
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("managed storage: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("read: %w", rerr)
		}
	}
}

// StoreFile copies a local file, after Resolve against roots, into dir. The
// managed copy keeps the source's extension(s) unless format says otherwise.
func StoreFile(ctx context.Context, path string, roots []string, dir string, format Format, maxBytes int64) (Stored, error) {
	real, err := Resolve(path, roots)
	if err != nil {
		return Stored{}, err
	}
	f, err := os.Open(real)
	if err != nil {
		return Stored{}, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return Stored{}, fmt.Errorf("%w: %s is not a regular file", ErrNotAllowed, path)
	}
	if format == "" {
		format = formatFromName(real)
	}
	ext := ""
	if format != "" {
		ext = format.Ext()
	}
	return Store(ctx, f, dir, ext, maxBytes)
}

// StoreText stores text content (CSV, TSV, JSON, NDJSON).
func StoreText(ctx context.Context, content string, dir string, format Format, maxBytes int64) (Stored, error) {
	ext := ""
	if format != "" {
		ext = format.Ext()
	}
	return Store(ctx, strings.NewReader(content), dir, ext, maxBytes)
}

// StoreBase64 decodes base64 content (standard or URL alphabet, padded or
// not, whitespace ignored) while storing it; maxBytes bounds the decoded size.
func StoreBase64(ctx context.Context, content string, dir string, format Format, maxBytes int64) (Stored, error) {
	content = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\n', '\r', '\t':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, content)
	content = strings.TrimRight(content, "=")
	ext := ""
	if format != "" {
		ext = format.Ext()
	}
	dec := base64.NewDecoder(base64.RawStdEncoding, strings.NewReader(content))
	st, err := Store(ctx, dec, dir, ext, maxBytes)
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		return Stored{}, fmt.Errorf("content_base64 is not valid base64 (at byte %d)", int64(ce))
	}
	return st, err
}

// cleanExt keeps an extension of letters, digits and dots only.
func cleanExt(ext string) string {
	ext = strings.ToLower(ext)
	if ext == "" || len(ext) > 16 || ext[0] != '.' || strings.Trim(ext, ".abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		return ""
	}
	return ext
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
