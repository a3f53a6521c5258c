package postgres

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iopsdata/iopsdata/internal/source"
)

// Defaults for zero Config fields and zero Limits.
const (
	DefaultPoolSize   = 4
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRowsCap = 10000
	// DefaultMaxBytes caps the JSON size of one result when Limits.MaxBytes is 0.
	DefaultMaxBytes = 16 << 20
	defaultAppName  = "iopsdata"
	connectTimeout  = 10 * time.Second
)

// deniedParams are run-time parameters a stored DSN may not set, because they
// would weaken read-only execution or the statement timeout, or break the
// value decoding (client_encoding is forced to UTF8). Output settings such
// as DateStyle, IntervalStyle, extra_float_digits and bytea_output are kept:
// each statement overrides them locally, and DateStyle's DMY/MDY order still
// governs how the user's date literals are read. Names are compared
// lower-case with '-' read as '_', as the server does.
var deniedParams = map[string]bool{
	"default_transaction_read_only":       true,
	"transaction_read_only":               true,
	"statement_timeout":                   true,
	"idle_in_transaction_session_timeout": true,
	"client_encoding":                     true,
	"replication":                         true,
	"options":                             true, // filtered by sanitizeOptions instead
}

// poolConfig parses the DSN and forces the safety settings. It returns the
// secrets (password, DSN) that must never appear in an error message.
func poolConfig(cfg Config) (*pgxpool.Config, []string, error) {
	secrets := []string{cfg.DSN}
	if strings.TrimSpace(cfg.DSN) == "" {
		// pgx would fill an empty DSN from PG* variables and ~/.pgpass.
		return nil, secrets, &source.Error{Kind: source.KindBadDSN, Message: "empty DSN"}
	}
	if key := localFileParam(cfg.DSN); key != "" {
		return nil, secrets, &source.Error{Kind: source.KindBadDSN, Message: fmt.Sprintf(
			"DSN parameter %q is not allowed: it makes the server read local credential files; put the settings in the DSN itself", key)}
	}
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, secrets, &source.Error{Kind: source.KindBadDSN, Message: scrub(dsnErrorMessage(err), secrets)}
	}
	cc := pc.ConnConfig
	if !dsnHasPassword(cfg.DSN) {
		// pgx filled it from PGPASSWORD or ~/.pgpass: this machine's
		// credentials must not go to whatever host a stored DSN names.
		cc.Password = ""
	}
	if cc.Password != "" {
		secrets = append(secrets, cc.Password, url.QueryEscape(cc.Password), url.PathEscape(cc.Password))
	}
	pc.MaxConns = int32(cfg.PoolSize)
	pc.MinConns, pc.MinIdleConns = 0, 0
	if cc.ConnectTimeout <= 0 {
		cc.ConnectTimeout = connectTimeout
	}
	// SQL never goes through pgx's Query/Exec; these only pin the defaults.
	cc.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	cc.StatementCacheCapacity, cc.DescriptionCacheCapacity = 0, 0
	cc.RuntimeParams = sanitizeParams(cc.RuntimeParams, cfg.AppName, cfg.Logger.Warn)
	return pc, secrets, nil
}

// localFileParams name DSN parameters that make libpq/pgx read credential
// files on this machine.
var localFileParams = regexp.MustCompile(`(?i)(?:^|[\s?&])(passfile|service|servicefile)\s*=`)

var kvPassword = regexp.MustCompile(`(?i)(?:^|\s)password\s*=`)

// localFileParam returns the first such parameter the DSN sets, or "".
func localFileParam(dsn string) string {
	if m := localFileParams.FindStringSubmatch(dsn); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// dsnHasPassword reports whether the DSN text itself carries a password (URL
// userinfo, a password query parameter, or a password= key).
func dsnHasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if _, ok := u.User.Password(); ok {
			return true
		}
		return u.Query().Has("password")
	}
	return kvPassword.MatchString(dsn)
}

// sanitizeParams drops denied parameters and sets the forced ones.
func sanitizeParams(in map[string]string, appName string, warn func(string, ...any)) map[string]string {
	out := make(map[string]string, len(in)+3)
	for k, v := range in {
		name := normalizeGUC(k)
		switch {
		case name == "options":
			kept, dropped := sanitizeOptions(v)
			if kept != "" {
				out[k] = kept
			}
			if len(dropped) > 0 {
				warn("postgres: DSN options ignored", "settings", dropped)
			}
		case deniedParams[name]:
			warn("postgres: DSN parameter ignored", "param", k)
		case name == "application_name":
			if appName == "" {
				appName = v
			}
		default:
			out[k] = v
		}
	}
	if appName == "" {
		appName = defaultAppName
	}
	out["application_name"] = appName
	out["default_transaction_read_only"] = "on"
	out["client_encoding"] = "UTF8"
	return out
}

func normalizeGUC(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "-", "_")
}

// sanitizeOptions filters the libpq "options" string (command-line switches
// for the server process). Only "-c name=value" and "--name=value" settings
// whose names are not denied survive; anything else is dropped. It returns
// the rebuilt string and the names of what was dropped.
func sanitizeOptions(opts string) (string, []string) {
	toks := splitOptions(opts)
	var kept, dropped []string
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		var setting string
		switch {
		case tok == "-c" && i+1 < len(toks):
			i++
			setting = toks[i]
		case strings.HasPrefix(tok, "-c"):
			setting = tok[2:]
		case strings.HasPrefix(tok, "--"):
			setting = tok[2:]
		default:
			dropped = append(dropped, tok)
			continue
		}
		name, _, ok := strings.Cut(setting, "=")
		if !ok || name == "" || deniedParams[normalizeGUC(name)] {
			dropped = append(dropped, cmp.Or(name, tok))
			continue
		}
		kept = append(kept, "-c "+escapeOption(setting))
	}
	return strings.Join(kept, " "), dropped
}

// splitOptions splits on unescaped white space; a backslash escapes the next
// character, as libpq and the server read the options string.
func splitOptions(s string) []string {
	var toks []string
	var cur strings.Builder
	inTok := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inTok = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inTok {
				toks = append(toks, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteByte(c)
			inTok = true
		}
	}
	if inTok {
		toks = append(toks, cur.String())
	}
	return toks
}

func escapeOption(s string) string {
	r := strings.NewReplacer(`\`, `\\`, " ", `\ `, "\t", "\\\t")
	return r.Replace(s)
}

// dsnErrorMessage keeps pgconn's fixed description of a parse failure and
// drops the DSN it quotes and the wrapped error (which can quote it again).
func dsnErrorMessage(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return "invalid DSN"
	}
	msg := pe.Error()
	if inner := errors.Unwrap(pe); inner != nil {
		msg = strings.TrimSuffix(msg, " ("+inner.Error()+")")
	}
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		msg = msg[i+3:]
	} else {
		msg = ""
	}
	if msg == "" {
		return "invalid DSN"
	}
	return fmt.Sprintf("invalid DSN: %s", msg)
}

// scrub replaces every secret in s.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, "********")
		}
	}
	return s
}
