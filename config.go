package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/tools"
)

// config is everything the flags and environment decide.
type config struct {
	home        string
	httpAddr    string // serve --http; "" for stdio
	logLevel    string
	logFormat   string
	noDemo      bool
	allowWrites bool
	toolsets    []string
	maxRows     int
	maxRowsCap  int
	maxBytes    int
	maxBytesCap int
	timeout     time.Duration
	maxTimeout  time.Duration
	poolSize    int
	showVersion bool
	filesRoots  []string
	filesMax    int64
}

// listFlag is a repeatable flag. From the environment it takes a
// comma-separated list; values on the command line replace it.
type listFlag struct {
	vals    *[]string
	fromEnv bool // Set is being called by applyEnv
	envSet  bool // the environment set values the command line has not replaced yet
}

func (l *listFlag) String() string {
	if l.vals == nil {
		return ""
	}
	return strings.Join(*l.vals, ",")
}

func (l *listFlag) Set(v string) error {
	if l.fromEnv {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				*l.vals = append(*l.vals, p)
			}
		}
		l.envSet = true
		return nil
	}
	if l.envSet {
		*l.vals, l.envSet = nil, false
	}
	*l.vals = append(*l.vals, v)
	return nil
}

// envPrefix: every flag can also be set as IOPSDATA_<FLAG>, dashes as
// underscores (IOPSDATA_MAX_ROWS=500). A flag on the command line wins.
const envPrefix = "IOPSDATA_"

const usage = `iopsdata: an MCP server for PostgreSQL and DuckDB.

Usage:
  iopsdata [flags]                          serve MCP over stdio
  iopsdata serve --http 127.0.0.1:8080 [flags]  serve MCP over streamable HTTP at /mcp
  iopsdata version                          print the version

Every flag can also be set in the environment as IOPSDATA_<FLAG> (for example
IOPSDATA_HOME, IOPSDATA_MAX_ROWS). FERNET_KEY holds the key(s) that encrypt
stored DSNs; without it a key file is generated in the home directory.

Flags:
`

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	if len(args) > 0 && (args[0] == "version" || args[0] == "--version") {
		c.showVersion = true
		return c, nil
	}
	serve := len(args) > 0 && args[0] == "serve"
	if serve {
		args = args[1:]
	}
	fs := flag.NewFlagSet("iopsdata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	toolsets := ""
	fs.StringVar(&c.home, "home", "", "home directory for the store, key file and demo database (default: <user config dir>/iopsdata)")
	fs.StringVar(&c.httpAddr, "http", "", "with serve: listen address for streamable HTTP, loopback only (e.g. 127.0.0.1:8080)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level on stderr: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.BoolVar(&c.noDemo, "no-demo", false, "do not create or offer the built-in demo connection")
	fs.BoolVar(&c.allowWrites, "allow-writes", false, "let connections added with read_only=false run confirmed writes (off: everything is read-only)")
	fs.StringVar(&toolsets, "toolsets", "", "comma-separated toolsets to enable ("+strings.Join(tools.AllToolsets, ", ")+"); default all")
	fs.IntVar(&c.maxRows, "max-rows", 200, "default rows returned per execute_sql call")
	fs.IntVar(&c.maxRowsCap, "max-rows-cap", 10000, "most rows a caller may ask for")
	fs.IntVar(&c.maxBytes, "max-bytes", 64<<10, "default JSON bytes of rows per execute_sql call")
	fs.IntVar(&c.maxBytesCap, "max-bytes-cap", 16<<20, "most bytes a caller may ask for")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "default statement timeout")
	fs.DurationVar(&c.maxTimeout, "max-timeout", 10*time.Minute, "longest statement timeout a caller may ask for")
	fs.IntVar(&c.poolSize, "pool-size", 4, "default PostgreSQL pool size per connection")
	roots := &listFlag{vals: &c.filesRoots}
	fs.Var(roots, "files-root", "folder upload_file may read files from, besides the client's workspace roots; repeat for more (IOPSDATA_FILES_ROOT: comma-separated)")
	fs.Int64Var(&c.filesMax, "files-max-bytes", 1<<30, "largest file upload_file accepts, in bytes (content and content_base64: at most 64 MiB)")
	roots.fromEnv = true
	err := applyEnv(fs, getenv)
	roots.fromEnv = false
	if err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q; run iopsdata -h for usage", fs.Arg(0))
	}
	if c.httpAddr != "" && !serve {
		return c, errors.New("--http needs the serve command: iopsdata serve --http 127.0.0.1:8080")
	}
	if serve && c.httpAddr == "" {
		return c, errors.New("serve needs --http ADDR (for stdio run iopsdata without arguments)")
	}
	if c.httpAddr != "" {
		if err := checkLoopback(c.httpAddr); err != nil {
			return c, err
		}
	}
	for _, t := range strings.Split(toolsets, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !contains(tools.AllToolsets, t) {
			return c, fmt.Errorf("unknown toolset %q; choose from %s", t, strings.Join(tools.AllToolsets, ", "))
		}
		c.toolsets = append(c.toolsets, t)
	}
	if c.filesMax < 1 {
		return c, errors.New("--files-max-bytes must be positive")
	}
	if c.maxRows < 1 || c.maxRowsCap < c.maxRows || c.maxBytes < 1 || c.maxBytesCap < c.maxBytes || c.timeout <= 0 || c.maxTimeout < c.timeout {
		return c, errors.New("limits must be positive and each default at most its cap (--max-rows ≤ --max-rows-cap, --max-bytes ≤ --max-bytes-cap, --timeout ≤ --max-timeout)")
	}
	return c, resolveHome(&c)
}

// applyEnv sets flag defaults from IOPSDATA_<FLAG> variables.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("environment variable %s=%q: %v", name, v, e)
			}
		}
	})
	return err
}

// checkLoopback refuses addresses other than loopback: HTTP has no
// authentication yet, so it must not be reachable from other machines.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--http %q: %v; use host:port such as 127.0.0.1:8080", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--http %q: only loopback addresses (127.0.0.1, [::1], localhost) are allowed until HTTP authentication exists", addr)
}

func resolveHome(c *config) error {
	if c.home == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("no home directory: %v; pass --home DIR or set IOPSDATA_HOME", err)
		}
		c.home = filepath.Join(dir, "iopsdata")
	}
	abs, err := filepath.Abs(c.home)
	if err != nil {
		return fmt.Errorf("home %q: %v", c.home, err)
	}
	c.home = abs
	if err := os.MkdirAll(c.home, 0o700); err != nil {
		return fmt.Errorf("create home directory: %v; pass --home DIR with a writable directory", err)
	}
	return nil
}

func newLogger(c config, stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", c.logFormat)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
