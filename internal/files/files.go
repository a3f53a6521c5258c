// Package files is the file-ingest engine behind the "files" connection: it
// resolves local paths against the allowed roots, copies bytes into managed
// storage under content-addressed names, and sniffs and validates each file
// with a sandboxed, in-memory DuckDB, producing the read expression a view
// over the managed copy needs.
//
// The package stores nothing in the server's store and registers no view:
// Ingest returns an Asset, and the caller records it and recreates views
// from it (ViewSQL).
package files

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Sentinel errors; match with errors.Is.
var (
	// ErrNotAllowed: a local path is outside every root, escapes one, or is
	// not a regular file.
	ErrNotAllowed = errors.New("path not allowed")
	// ErrTooLarge: the content passes the size limit.
	ErrTooLarge = errors.New("file too large")
	// ErrBadFile: the bytes are not a valid file of the format.
	ErrBadFile = errors.New("bad file")
)

// Format is a file format as stored in the file_assets table: "csv",
// "tsv", "json", "ndjson", "parquet", and the gzip variants "csv.gz",
// "tsv.gz", "json.gz", "ndjson.gz".
type Format string

// Base formats.
const (
	CSV     Format = "csv"
	TSV     Format = "tsv"
	JSON    Format = "json"
	NDJSON  Format = "ndjson"
	Parquet Format = "parquet"
)

// Base is the format without compression.
func (f Format) Base() Format { return Format(strings.TrimSuffix(string(f), ".gz")) }

// Gzip reports whether the file is gzip-compressed.
func (f Format) Gzip() bool { return strings.HasSuffix(string(f), ".gz") }

// Ext is the extension of a managed copy: ".csv", ".csv.gz", ...
func (f Format) Ext() string { return "." + string(f) }

func (f Format) valid() bool {
	switch f.Base() {
	case CSV, TSV, JSON, NDJSON:
		return true
	case Parquet:
		return !f.Gzip()
	}
	return false
}

// ParseFormat reads a format hint ("CSV", ".csv.gz", "jsonl", "parquet").
// An empty hint is an empty Format and no error.
func ParseFormat(hint string) (Format, error) {
	h := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(hint)), ".")
	if h == "" {
		return "", nil
	}
	gz := false
	if b, ok := strings.CutSuffix(h, ".gz"); ok {
		h, gz = b, true
	}
	var f Format
	switch h {
	case "csv", "txt":
		f = CSV
	case "tsv", "tab":
		f = TSV
	case "json":
		f = JSON
	case "ndjson", "jsonl":
		f = NDJSON
	case "parquet", "pq":
		f = Parquet
	default:
		return "", fmt.Errorf("unknown format %q: use csv, tsv, json, ndjson or parquet (add .gz for gzip)", hint)
	}
	if gz {
		f += ".gz"
	}
	if !f.valid() {
		return "", fmt.Errorf("unsupported format %q", hint)
	}
	return f, nil
}

// formatFromName guesses a format from a file name's extension(s); "" when
// the extension says nothing.
func formatFromName(name string) Format {
	lower := strings.ToLower(name)
	gz := strings.HasSuffix(lower, ".gz")
	lower = strings.TrimSuffix(lower, ".gz")
	i := strings.LastIndexByte(lower, '.')
	if i < 0 {
		return ""
	}
	f, err := ParseFormat(lower[i+1:])
	if err != nil || f == "" {
		return ""
	}
	if gz {
		f += ".gz"
	}
	if !f.valid() {
		return ""
	}
	return f
}

// BadFileError says why a file is not valid in its format and, when DuckDB
// reports it, on which line.
type BadFileError struct {
	Format Format
	Line   int    // 1-based; 0 when unknown
	Reason string // one line
}

func (e *BadFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("not a valid %s file: line %d: %s", e.Format, e.Line, e.Reason)
	}
	return fmt.Sprintf("not a valid %s file: %s", e.Format, e.Reason)
}

// Is makes errors.Is(err, ErrBadFile) true.
func (e *BadFileError) Is(target error) bool { return target == ErrBadFile }

// maxName is PostgreSQL's identifier limit, kept so names work everywhere.
const maxName = 63

// knownExts are stripped from the end of a file name, repeatedly.
var knownExts = map[string]bool{
	"csv": true, "tsv": true, "txt": true, "tab": true, "json": true, "ndjson": true,
	"jsonl": true, "parquet": true, "pq": true, "gz": true, "gzip": true,
}

// SanitizeName turns a file name into a lower-case SQL identifier: the
// directory and known extensions are dropped, runs of characters outside
// [a-z0-9_] become one "_", a leading digit gets "f_", the result is cut to
// 63 characters, and an empty result is "file".
func SanitizeName(s string) string {
	s = strings.ToLower(filepath.Base(strings.ReplaceAll(s, `\`, "/")))
	for {
		i := strings.LastIndexByte(s, '.')
		if i < 0 || !knownExts[s[i+1:]] {
			break
		}
		s = s[:i]
	}
	var b strings.Builder
	under := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
			under = r == '_'
			continue
		}
		if !under {
			b.WriteByte('_')
			under = true
		}
	}
	name := strings.Trim(b.String(), "_")
	if name == "" {
		return "file"
	}
	if name[0] >= '0' && name[0] <= '9' {
		name = "f_" + name
	}
	if len(name) > maxName {
		name = strings.TrimRight(name[:maxName], "_")
	}
	return name
}

// Unique returns name if it is free, else the first free of name_2,
// name_3, ... (shortening name so the result stays within 63 characters).
func Unique(name string, taken func(string) bool) string {
	if !taken(name) {
		return name
	}
	for i := 2; ; i++ {
		suffix := "_" + strconv.Itoa(i)
		base := name
		if len(base)+len(suffix) > maxName {
			base = base[:maxName-len(suffix)]
		}
		if c := base + suffix; !taken(c) {
			return c
		}
	}
}
