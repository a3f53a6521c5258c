package source

import (
	"errors"
	"fmt"
)

// Kind classifies a database error so the tool layer can say what to do next.
type Kind string

const (
	KindSyntax      Kind = "syntax"      // the SQL does not parse in the database
	KindUndefined   Kind = "undefined"   // unknown table, column or function
	KindPermission  Kind = "permission"  // the role lacks a privilege
	KindSandbox     Kind = "sandbox"     // file, network or settings access the server forbids
	KindReadOnly    Kind = "read_only"   // the statement tried to write
	KindTimeout     Kind = "timeout"     // statement timeout reached
	KindCanceled    Kind = "canceled"    // the caller canceled
	KindAuth        Kind = "auth"        // wrong password or user
	KindUnreachable Kind = "unreachable" // host down, refused, DNS failure
	KindNoDatabase  Kind = "no_database" // database or file does not exist
	KindBadDSN      Kind = "bad_dsn"     // the DSN cannot be parsed
	KindTooLarge    Kind = "too_large"   // input exceeds a limit
	KindUnsupported Kind = "unsupported" // the statement kind is not allowed
	KindData        Kind = "data"        // division by zero, bad cast, ...
	KindOther       Kind = "other"
)

// Error is a database error whose Message is safe to show: it never holds a
// DSN or password. Detail and Hint come from the database when it gives them.
type Error struct {
	Kind     Kind
	Code     string // SQLSTATE for PostgreSQL, empty otherwise
	Message  string
	Detail   string
	Hint     string
	Position int // 1-based character position in the SQL, 0 if unknown
	Err      error
}

func (e *Error) Error() string {
	s := e.Message
	if e.Code != "" {
		s = fmt.Sprintf("%s (SQLSTATE %s)", s, e.Code)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, or KindOther when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}
