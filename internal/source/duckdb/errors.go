package duckdb

import (
	"context"
	"errors"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/iopsdata/iopsdata/internal/source"
)

// queryError turns an error from running a statement into a *source.Error.
// A done ctx wins over DuckDB's own "Interrupted!" message.
func queryError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var se *source.Error
	if errors.As(err, &se) {
		return err
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return &source.Error{Kind: source.KindTimeout, Message: "statement timed out", Err: err}
	case errors.Is(ctx.Err(), context.Canceled), errors.Is(err, context.Canceled):
		return &source.Error{Kind: source.KindCanceled, Message: "statement canceled", Err: err}
	}
	return classify(err)
}

// classify maps a DuckDB or driver error to a Kind and splits DuckDB's
// message into Message, Hint ("Did you mean ...") and Detail (the LINE
// context with its caret).
func classify(err error) *source.Error {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return driverError(err)
	}
	e := splitMessage(de.Msg)
	e.Err = err
	e.Kind = kindOf(de.Type, e.Message)
	if de.Type == duckdb.ErrorTypeTransaction && strings.Contains(e.Message, "onflict") && e.Hint == "" {
		e.Hint = "another write, still open or waiting for confirmation, changed the same rows or objects; " +
			"retry when it has ended"
	}
	return e
}

func driverError(err error) *source.Error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unsupported data type"):
		return &source.Error{Kind: source.KindUnsupported, Err: err,
			Message: "the result has a column type this server cannot read",
			Hint:    "cast that column to VARCHAR"}
	case strings.Contains(msg, "incorrect argument count"):
		return &source.Error{Kind: source.KindSyntax, Err: err,
			Message: "the statement has parameter placeholders ($1, ?) that were not given values"}
	}
	return &source.Error{Kind: source.KindOther, Message: msg, Err: err}
}

func kindOf(t duckdb.ErrorType, msg string) source.Kind {
	switch t {
	case duckdb.ErrorTypeParser, duckdb.ErrorTypeSyntax:
		return source.KindSyntax
	case duckdb.ErrorTypeCatalog:
		return source.KindUndefined
	case duckdb.ErrorTypeBinder:
		return binderKind(msg)
	case duckdb.ErrorTypePermission:
		return source.KindSandbox
	case duckdb.ErrorTypeInterrupt:
		return source.KindCanceled
	case duckdb.ErrorTypeConversion, duckdb.ErrorTypeOutOfRange, duckdb.ErrorTypeDivideByZero,
		duckdb.ErrorTypeDecimal, duckdb.ErrorTypeMismatchType, duckdb.ErrorTypeInvalidType:
		return source.KindData
	case duckdb.ErrorTypeOutOfMemory:
		return source.KindTooLarge
	case duckdb.ErrorTypeNotImplemented, duckdb.ErrorTypeMissingExtension, duckdb.ErrorTypeAutoLoad:
		return source.KindUnsupported
	case duckdb.ErrorTypeInvalidInput:
		return invalidInputKind(msg)
	case duckdb.ErrorTypeTransaction:
		if strings.Contains(msg, "read-only mode") {
			return source.KindReadOnly // a write inside a READ ONLY transaction
		}
	case duckdb.ErrorTypeIO:
		if strings.Contains(msg, "No files found") {
			return source.KindUndefined
		}
	}
	return source.KindOther
}

func binderKind(msg string) source.Kind {
	for _, s := range []string{"not found", "does not exist", "No function matches"} {
		if strings.Contains(msg, s) {
			return source.KindUndefined
		}
	}
	return source.KindSyntax
}

func invalidInputKind(msg string) source.Kind {
	switch {
	case strings.Contains(msg, "read-only mode"):
		return source.KindReadOnly
	case strings.Contains(msg, "configuration has been locked"),
		strings.Contains(msg, "disabled by configuration"),
		strings.Contains(msg, "disabled through configuration"):
		return source.KindSandbox
	}
	return source.KindData
}

// splitMessage removes DuckDB's "<Type> Error: " prefix and separates the
// first line from the hint and the query context.
func splitMessage(msg string) *source.Error {
	if prefix, rest, ok := strings.Cut(msg, ": "); ok && strings.HasSuffix(prefix, "Error") &&
		!strings.Contains(prefix, "\n") {
		msg = rest
	}
	if i := strings.Index(msg, "Stack Trace:"); i >= 0 {
		msg = msg[:i] // internal errors carry a native stack trace
	}
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	e := &source.Error{Message: strings.TrimSpace(lines[0])}
	var detail []string
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "Did you mean"):
			e.Hint = strings.TrimSpace(l)
		case strings.TrimSpace(l) == "" && len(detail) == 0:
		default:
			detail = append(detail, l)
		}
	}
	e.Detail = strings.TrimRight(strings.Join(detail, "\n"), "\n ")
	return e
}
