package tools

import (
	"errors"
	"net/url"
	"strings"
)

// redacted marks an error whose text must not show the given secrets (a DSN
// and its password), whatever layer produced the text.
type redacted struct {
	err     error
	secrets []string
}

func (r *redacted) Error() string { return scrub(r.err.Error(), r.secrets) }
func (r *redacted) Unwrap() error { return r.err }

// redactErr hides dsn and the password inside it from err's message.
func redactErr(err error, dsn string) error {
	if err == nil {
		return nil
	}
	return &redacted{err: err, secrets: secretsOf(dsn)}
}

// scrubbed applies every redaction found in err's chain to text.
func scrubbed(err error, text string) string {
	var r *redacted
	if errors.As(err, &r) {
		return scrub(text, r.secrets)
	}
	return text
}

func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// secretsOf returns the DSN itself and the password it holds, in the URL
// form (postgres://u:p@h/db, also percent-decoded) or key=value form.
func secretsOf(dsn string) []string {
	out := []string{dsn}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	for _, f := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(f, "password="); ok {
			out = append(out, strings.Trim(v, `'`))
		}
	}
	if u, err := url.Parse(dsn); err == nil {
		if p := u.Query().Get("password"); p != "" {
			out = append(out, p)
		}
	}
	return out
}
