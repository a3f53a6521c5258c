package files

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// headSize is how much of a file Detect reads.
const headSize = 64 << 10

var (
	parquetMagic = []byte("PAR1")
	gzipMagic    = []byte{0x1f, 0x8b}
)

// Detect decides a file's format from its first bytes, its name and the
// hint (a format the caller or user named, "" for none). The content wins
// over the file name; a hint the content contradicts, an empty file, and
// binary data in a text format are *BadFileError.
func Detect(ctx context.Context, path string, hint Format) (Format, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if hint != "" && !hint.valid() {
		return "", fmt.Errorf("unsupported format %q", hint)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("detect format: %w", err)
	}
	defer f.Close()
	head := make([]byte, headSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("detect format: %w", err)
	}
	head = head[:n]
	claim := hint
	if claim == "" {
		claim = formatFromName(path)
	}
	bad := func(reason string, line int) error {
		f := claim
		if f == "" {
			f = "data"
		}
		return &BadFileError{Format: f, Line: line, Reason: reason}
	}
	if len(head) == 0 {
		return "", bad("the file is empty", 0)
	}
	if bytes.HasPrefix(head, parquetMagic) {
		if hint != "" && hint != Parquet {
			return "", bad("this is a Parquet file; upload it with format parquet", 0)
		}
		return Parquet, nil
	}
	if claim == Parquet {
		return "", bad("no Parquet header (PAR1); the file is not Parquet", 0)
	}
	gz := bytes.HasPrefix(head, gzipMagic)
	if gz {
		if head, err = gunzipHead(path); err != nil {
			return "", bad("broken gzip data: "+err.Error(), 0)
		}
	} else if claim.Gzip() {
		return "", bad("no gzip header; the file is not gzip-compressed", 0)
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return "", bad(fmt.Sprintf("binary data (NUL byte at offset %d), not text", i), 1+bytes.Count(head[:i], []byte{'\n'}))
	}
	base := claim.Base()
	if base == "" {
		base = sniffText(head)
	}
	if gz {
		return base + ".gz", nil
	}
	return base, nil
}

// sniffText tells JSON, NDJSON, TSV and CSV apart by their first bytes.
func sniffText(head []byte) Format {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf"))
	switch {
	case len(t) > 0 && t[0] == '[':
		return JSON
	case len(t) > 0 && t[0] == '{':
		lines := bytes.Split(bytes.TrimSpace(t), []byte{'\n'})
		if len(lines) > 1 && bytes.HasPrefix(bytes.TrimSpace(lines[1]), []byte("{")) &&
			bytes.HasSuffix(bytes.TrimSpace(lines[0]), []byte("}")) {
			return NDJSON
		}
		return JSON
	}
	first, _, _ := bytes.Cut(t, []byte{'\n'})
	if tabs := bytes.Count(first, []byte{'\t'}); tabs > 0 &&
		tabs >= bytes.Count(first, []byte{','}) && tabs >= bytes.Count(first, []byte{';'}) {
		return TSV
	}
	return CSV
}

func gunzipHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	head := make([]byte, headSize)
	n, err := io.ReadFull(zr, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no data")
	}
	return head[:n], nil
}

// maxNDJSONLine bounds the line firstBadLine holds in memory.
const maxNDJSONLine = 16 << 20

// firstBadLine returns the 1-based number of the first non-empty line of an
// NDJSON file that is not one valid JSON value, or 0 when there is none or
// it cannot tell. DuckDB names a line in its errors too, but counts from
// where its reader stopped, which can be past the broken line.
func firstBadLine(path string, gz bool) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxNDJSONLine)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) > 0 && !json.Valid(b) {
			return line
		}
	}
	return 0
}
