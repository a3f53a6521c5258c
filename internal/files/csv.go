package files

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// sniffCSV runs DuckDB's sniffer. When it settles on no quote character,
// the file is read again with the standard '"': if that read fails on an
// unterminated quote the file has broken quoting (an error); if it
// succeeds, the standard reading is kept.
func (e *Engine) sniffCSV(ctx context.Context, path string, format Format) (ReadOptions, error) {
	opts, err := e.sniffCSVWith(ctx, path, format)
	if err != nil || opts.Quote != "" {
		return opts, err
	}
	std := opts
	std.Quote, std.Escape = `"`, `"`
	if _, err := e.count(ctx, std.Expr(path)); err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unterminated quote") {
			return ReadOptions{}, e.badFile(format, err)
		}
		return opts, nil
	}
	// The standard quote reads the file: let the sniffer redo the types
	// with it (values in quotes may be numbers or dates).
	if typed, err := e.sniffCSVWith(ctx, path, format, `quote='"'`, "delim="+quoteString(opts.Delim)); err == nil &&
		len(typed.Columns) == len(std.Columns) {
		return typed, nil
	}
	return std, nil
}

// sniffCSVWith calls sniff_csv with extra (trusted, literal) options.
func (e *Engine) sniffCSVWith(ctx context.Context, path string, format Format, extra ...string) (ReadOptions, error) {
	args := []string{quoteString(path)}
	if format.Base() == TSV && !hasPrefix(extra, "delim=") {
		args = append(args, `delim='\t'`)
	}
	comp := "'none'"
	if format.Gzip() {
		comp = "'gzip'"
	}
	args = append(args, "compression="+comp)
	args = append(args, extra...)
	q := "SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, " +
		"Columns, DateFormat, TimestampFormat FROM sniff_csv(" + strings.Join(args, ", ") + ")"
	var (
		o          = ReadOptions{Format: format}
		skip       int64
		cols       any
		df, tf     sql.NullString
		delim, quo sql.NullString
		esc, nl, c sql.NullString
	)
	err := e.db.QueryRowContext(ctx, q).Scan(&delim, &quo, &esc, &nl, &c, &skip, &o.Header, &cols, &df, &tf)
	if err != nil {
		return ReadOptions{}, e.badFile(format, err)
	}
	o.Delim, o.Quote, o.Escape = sniffed(delim), sniffed(quo), sniffed(esc)
	o.NewLine, o.Comment = sniffed(nl), sniffed(c)
	o.Skip, o.DateFormat, o.TimestampFormat = int(skip), sniffed(df), sniffed(tf)
	list, _ := cols.([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		o.Columns = append(o.Columns, Column{Name: name, Type: typ})
	}
	if len(o.Columns) == 0 {
		return ReadOptions{}, &BadFileError{Format: format, Reason: "DuckDB found no columns"}
	}
	return o, nil
}

// sniffed maps sniff_csv's "(empty)" and NULL to "".
func sniffed(s sql.NullString) string {
	if !s.Valid || s.String == "(empty)" {
		return ""
	}
	return s.String
}

func hasPrefix(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

var (
	lineRe   = regexp.MustCompile(`(?i)\bLine:\s*(\d+)`)
	recordRe = regexp.MustCompile(`in (line|record/value) (\d+)`)
	// duckLocRe is DuckDB's own position, dropped once the line is known.
	duckLocRe = regexp.MustCompile(`,? at byte \d+ in (line|record/value) \d+`)
	fileRe    = regexp.MustCompile(` in file "[^"]*"`)
)

// badFile turns a DuckDB read error into a *BadFileError: one line of
// reason, the line number when DuckDB gives one, the managed path shown as
// its file name only. Cancellation passes through unchanged.
func (e *Engine) badFile(format Format, err error) error {
	if _, ok := err.(*BadFileError); ok {
		return err
	}
	if ctxErr := contextErr(err); ctxErr != nil {
		return ctxErr
	}
	msg := strings.ReplaceAll(err.Error(), e.dir+string(filepath.Separator), "")
	bf := &BadFileError{Format: format}
	lines := strings.Split(msg, "\n")
	bf.Reason = strings.TrimSpace(lines[0])
	if m := lineRe.FindStringSubmatch(msg); m != nil && strings.Contains(msg, "CSV Error") {
		bf.Line, _ = strconv.Atoi(m[1])
		bf.Reason = csvReason(lines)
	}
	// DuckDB names a line for NDJSON, a record for JSON arrays.
	if m := recordRe.FindStringSubmatch(msg); m != nil && (m[1] == "line" || format.Base() == NDJSON) {
		bf.Line, _ = strconv.Atoi(m[2])
	}
	bf.Reason = fileRe.ReplaceAllString(bf.Reason, "")
	for _, p := range []string{"Invalid Input Error: ", "Conversion Error: ", "IO Error: "} {
		bf.Reason = strings.TrimPrefix(bf.Reason, p)
	}
	return bf
}

// csvReason picks DuckDB's one-line explanation out of a CSV error: the
// first non-empty line after the quoted original line(s).
func csvReason(lines []string) string {
	for i, l := range lines {
		if strings.TrimSpace(l) == "" && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return strings.TrimSpace(lines[0])
}

func contextErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	m := err.Error()
	if strings.Contains(m, "context canceled") || strings.Contains(m, "INTERRUPT") || strings.Contains(m, "Interrupted") {
		return fmt.Errorf("inspect: canceled: %w", context.Canceled)
	}
	return nil
}
