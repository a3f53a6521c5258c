package postgres

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Errors leave this package as *source.Error. Messages come from the server
// or are fixed text here; pgx's own connect errors, which quote the user,
// database, host and port, are never passed on, and every message is
// scrubbed of the DSN and password as a last layer.

// kindOfCode classifies a SQLSTATE.
func kindOfCode(code string) source.Kind {
	switch code {
	case "42601":
		return source.KindSyntax
	case "42P01", "42703", "42883", "42704", "42P02", "3F000":
		return source.KindUndefined
	case "42501":
		return source.KindPermission
	case "25006":
		return source.KindReadOnly
	case "57014", "25P03":
		return source.KindTimeout
	case "28P01", "28000":
		return source.KindAuth
	case "3D000":
		return source.KindNoDatabase
	case "54000", "54001":
		return source.KindTooLarge
	case "57P01", "57P02", "57P03":
		return source.KindUnreachable
	}
	switch {
	case strings.HasPrefix(code, "22"):
		return source.KindData
	case strings.HasPrefix(code, "08"):
		return source.KindUnreachable
	}
	return source.KindOther
}

// serverError converts an error the server sent. 57014 is a timeout when
// the statement timeout fired, and canceled when the caller's ctx did.
func (s *Source) serverError(ctx context.Context, e *pgconn.PgError) *source.Error {
	se := &source.Error{
		Kind:     kindOfCode(e.Code),
		Code:     e.Code,
		Message:  scrub(e.Message, s.secrets),
		Detail:   scrub(e.Detail, s.secrets),
		Hint:     scrub(e.Hint, s.secrets),
		Position: int(e.Position),
		Err:      e,
	}
	if e.Code == "57014" {
		switch k := ctxKind(ctx); {
		case k != "":
			se.Kind = k
		case !strings.Contains(e.Message, "statement timeout"):
			se.Kind = source.KindCanceled // canceled by someone else
		}
	}
	return se
}

// transportError converts a failure to talk to the server mid-query.
func (s *Source) transportError(ctx context.Context, err error) *source.Error {
	if k := ctxKind(ctx); k != "" {
		return ctxError(ctx, k)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) { // FATAL: the server ended the session
		return s.serverError(ctx, pgErr)
	}
	return &source.Error{Kind: source.KindUnreachable, Message: "lost the connection to the database server"}
}

// connectError converts a failure to acquire a connection.
func (s *Source) connectError(ctx context.Context, err error) *source.Error {
	if k := ctxKind(ctx); k != "" {
		return ctxError(ctx, k)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return s.serverError(ctx, pgErr)
	}
	if err.Error() == "closed pool" { // puddle.ErrClosedPool
		return &source.Error{Kind: source.KindOther, Message: "the connection is closed"}
	}
	msg, cause := "cannot connect to the database server", error(nil)
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		msg += ": the host name does not resolve"
	case errors.Is(err, syscall.ECONNREFUSED):
		msg, cause = msg+": connection refused", syscall.ECONNREFUSED
	case isTLSError(err):
		msg += ": TLS negotiation failed (check sslmode and sslrootcert)"
	case errors.As(err, &netErr) && netErr.Timeout():
		msg += ": timed out"
	case errors.As(err, &opErr) && opErr.Err != nil:
		msg += ": " + scrub(opErr.Err.Error(), s.secrets)
	}
	return &source.Error{Kind: source.KindUnreachable, Message: msg, Err: cause}
}

func isTLSError(err error) bool {
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	var verify *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	if errors.As(err, &rh) || errors.As(err, &alert) || errors.As(err, &verify) ||
		errors.As(err, &unknownCA) || errors.As(err, &host) || errors.As(err, &invalid) {
		return true
	}
	return strings.Contains(strings.ToLower(err.Error()), "tls")
}

// ctxKind is KindCanceled or KindTimeout once ctx is done, else "".
func ctxKind(ctx context.Context) source.Kind {
	switch ctx.Err() {
	case nil:
		return ""
	case context.DeadlineExceeded:
		return source.KindTimeout
	}
	return source.KindCanceled
}

func ctxError(ctx context.Context, k source.Kind) *source.Error {
	msg := "the query was canceled"
	if k == source.KindTimeout {
		msg = "the query ran out of time"
	}
	return &source.Error{Kind: k, Message: msg, Err: ctx.Err()}
}
