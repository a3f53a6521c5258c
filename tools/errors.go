package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
)

// connError ties an error to the connection it happened on, so the message
// can name it.
type connError struct {
	name string
	err  error
}

func (e *connError) Error() string { return fmt.Sprintf("connection %q: %v", e.name, e.err) }
func (e *connError) Unwrap() error { return e.err }

func onConn(name string, err error) error {
	if err == nil {
		return nil
	}
	return &connError{name: name, err: err}
}

// message turns an engine error into a tool error text that says what to do
// next. It never includes a DSN: engines keep those out of their errors.
func message(err error) string {
	name := ""
	var ce *connError
	if errors.As(err, &ce) {
		name = ce.name
		err = ce.err
	}
	prefix := ""
	if name != "" {
		prefix = fmt.Sprintf("connection %q: ", name)
	}
	switch {
	case errors.Is(err, store.ErrNotFound) && name != "":
		return fmt.Sprintf("connection %q not found; call list_connections to see the available names", name)
	case errors.Is(err, store.ErrExists):
		return fmt.Sprintf("%s; choose another name, or call remove_connection first to replace it", err)
	case errors.Is(err, store.ErrKey):
		return prefix + err.Error()
	case errors.Is(err, conns.ErrInvalid), errors.Is(err, conns.ErrBuiltin), errors.Is(err, query.ErrRefused):
		return prefix + err.Error()
	case errors.Is(err, context.Canceled):
		return prefix + "the call was canceled; the statement was stopped in the database"
	case errors.Is(err, context.DeadlineExceeded):
		return prefix + "the call ran out of time; narrow the query or raise timeout_ms"
	}
	var se *source.Error
	if errors.As(err, &se) {
		return prefix + sourceMessage(se)
	}
	return prefix + err.Error()
}

// next says what to do after a database error of each kind.
var next = map[source.Kind]string{
	source.KindSyntax:      "fix the SQL and try again",
	source.KindUndefined:   "call list_tables or describe_table to see the names that exist",
	source.KindPermission:  "the connection's role lacks this privilege; query something it may read, or ask an administrator to GRANT SELECT",
	source.KindReadOnly:    "this connection is read-only: only queries run here",
	source.KindSandbox:     "SQL here cannot read or write files, reach the network, load extensions or change settings; query the connection's tables instead",
	source.KindTimeout:     "add filters, aggregate, or LIMIT the query; or raise timeout_ms",
	source.KindCanceled:    "the call was canceled and the statement stopped in the database",
	source.KindAuth:        "check the user and password in the DSN, then remove_connection and add_connection again",
	source.KindUnreachable: "check the host and port, that the server is running, and that this machine can reach it",
	source.KindNoDatabase:  "check the database name or file path",
	source.KindBadDSN:      "use a URL like postgres://user:password@host:5432/dbname?sslmode=require or key=value pairs (host=... dbname=...)",
	source.KindTooLarge:    "ask for less: filter, aggregate or page",
	source.KindUnsupported: "send one statement of an allowed kind",
	source.KindData:        "check the values and casts in the SQL",
}

func sourceMessage(e *source.Error) string {
	var sb strings.Builder
	sb.WriteString(e.Error())
	if e.Position > 0 {
		fmt.Fprintf(&sb, " at character %d", e.Position)
	}
	if e.Detail != "" {
		sb.WriteString("; detail: " + e.Detail)
	}
	if e.Hint != "" {
		sb.WriteString("; hint: " + e.Hint)
	}
	if n, ok := next[e.Kind]; ok {
		sb.WriteString(". Next: " + n)
	}
	return sb.String()
}
