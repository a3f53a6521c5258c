// Package conns turns stored connection configs into open sources: it
// validates new connections, opens pools lazily, reopens them when another
// process changed the stored config, and holds the built-in demo database.
package conns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iopsdata/iopsdata/internal/files"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
)

// Names of built-in connections. They cannot be added or removed.
const (
	Demo  = "demo"
	Files = "files"
)

var (
	// ErrBuiltin is returned when a built-in connection would be changed.
	ErrBuiltin = errors.New("built-in connection")
	// ErrInvalid wraps input that cannot be stored.
	ErrInvalid = errors.New("invalid connection")
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// Config holds what every opened source needs.
type Config struct {
	Home           string // home directory
	DemoPath       string // demo DuckDB file; "" disables the demo connection
	FilesDir       string // managed files directory, the only one DuckDB may read; "" → <Home>/files
	PoolSize       int
	DefaultTimeout time.Duration
	MaxRowsCap     int
	ConnectTimeout time.Duration // for add/test; 0 → 10s
	// AllowWrites is the server's --allow-writes: without it every
	// connection runs read-only, whatever it was stored with.
	AllowWrites bool
}

// Opener opens a source for a connection. The default opens PostgreSQL and
// DuckDB through their adapters; tests may replace it.
type Opener func(ctx context.Context, c store.Connection) (source.Source, error)

// Manager maps connection names to open sources. Safe for concurrent use.
type Manager struct {
	store *store.Store
	cfg   Config
	log   *slog.Logger
	open  Opener

	mu      sync.Mutex
	sources map[string]*entry

	id      int64 // distinguishes managers in one process (tests)
	filesMu sync.Mutex
	engine  *files.Engine // opened on first upload
}

type entry struct {
	conn  store.Connection // as stored, DSN included
	src   source.Source
	once  sync.Once
	err   error
	ready atomic.Bool // src is open and usable
	// checked is when the stored config was last compared (unix nanos).
	checked atomic.Int64
}

// revalidate is how long a cached config is trusted before it is compared
// with the store again. Another process's remove_connection or changed DSN
// is noticed within this time; within this process changes are immediate.
const revalidate = time.Second

// Handle is a connection config (without DSN) and its open source.
type Handle struct {
	Conn   store.Connection
	Source source.Source
}

// New returns a Manager. open may be nil for the default adapters.
func New(st *store.Store, cfg Config, log *slog.Logger, open Opener) *Manager {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.FilesDir == "" && cfg.Home != "" {
		cfg.FilesDir = filepath.Join(cfg.Home, "files")
	}
	m := &Manager{store: st, cfg: cfg, log: log, sources: map[string]*entry{}, id: managerSeq.Add(1)}
	m.open = open
	if m.open == nil {
		m.open = m.openDefault
	}
	return m
}

// List returns every connection, built-ins first, DSNs left out.
func (m *Manager) List(ctx context.Context) ([]store.Connection, error) {
	stored, err := m.store.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	out := m.builtins()
	for i := range out {
		out[i].DSN = ""
	}
	for _, c := range stored {
		c.DSN = ""
		out = append(out, c)
	}
	return out, nil
}

// Get returns the open source for name, opening it on first use. When the
// stored config changed since it was opened (another process removed and
// re-added it), the old source is closed and a new one opened.
func (m *Manager) Get(ctx context.Context, name string) (Handle, error) {
	if e := m.fresh(name); e != nil {
		return handleOf(e), nil
	}
	c, err := m.lookup(ctx, name)
	if err != nil {
		return Handle{}, err
	}
	e := m.entryFor(c)
	e.once.Do(func() { e.src, e.err = m.open(ctx, e.conn) })
	if e.err != nil {
		m.drop(name, e)
		return Handle{}, e.err
	}
	e.checked.Store(time.Now().UnixNano())
	e.ready.Store(true)
	return handleOf(e), nil
}

// fresh returns the cached entry for name when it is open and its config
// was compared with the store less than revalidate ago.
func (m *Manager) fresh(name string) *entry {
	m.mu.Lock()
	e := m.sources[name]
	m.mu.Unlock()
	if e == nil || !e.ready.Load() || time.Since(time.Unix(0, e.checked.Load())) > revalidate {
		return nil
	}
	return e
}

func handleOf(e *entry) Handle {
	h := Handle{Conn: e.conn, Source: e.src}
	h.Conn.DSN = ""
	return h
}

func (m *Manager) lookup(ctx context.Context, name string) (store.Connection, error) {
	for _, b := range m.builtins() {
		if b.Name == name && name == Files {
			var err error
			b.DSN, err = m.filesDSN(ctx)
			return b, err
		}
		if b.Name == name {
			return b, nil
		}
	}
	c, err := m.store.GetConnection(ctx, name)
	if err != nil {
		return store.Connection{}, err
	}
	return c, nil
}

// entryFor returns the cached entry for c, replacing it when the stored
// config differs from the one it was opened with.
func (m *Manager) entryFor(c store.Connection) *entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.sources[c.Name]; ok {
		if sameConfig(e.conn, c) {
			return e
		}
		delete(m.sources, c.Name)
		go closeEntry(e)
	}
	e := &entry{conn: c}
	m.sources[c.Name] = e
	return e
}

func sameConfig(a, b store.Connection) bool {
	return a.Engine == b.Engine && a.DSN == b.DSN && a.ReadOnly == b.ReadOnly && reflect.DeepEqual(a.Options, b.Options)
}

func (m *Manager) drop(name string, e *entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sources[name] == e {
		delete(m.sources, name)
	}
}

func closeEntry(e *entry) {
	e.once.Do(func() {}) // wait for a concurrent open to finish
	if e.src != nil {
		_ = e.src.Close()
	}
}

// Close closes every open source.
func (m *Manager) Close() {
	m.mu.Lock()
	entries := m.sources
	m.sources = map[string]*entry{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Add(1)
		go func() { defer wg.Done(); closeEntry(e) }()
	}
	wg.Wait()
	m.closeFiles()
}

// Writable reports whether statements that change data may run on the
// connection (after confirmation): it was added with read_only false and the
// server runs with --allow-writes.
func (m *Manager) Writable(c store.Connection) bool {
	return !c.ReadOnly && m.cfg.AllowWrites
}

// WritesAllowed reports whether the server runs with --allow-writes.
func (m *Manager) WritesAllowed() bool { return m.cfg.AllowWrites }

// WriteClasses are the statement classes a writable connection may allow.
var WriteClasses = []string{"dml", "ddl", "admin"}

// ValidateName reports whether name can be used for a new connection.
func ValidateName(name string) error {
	if name == Demo || name == Files {
		return fmt.Errorf("%w: %q is a built-in connection name; choose another name", ErrInvalid, name)
	}
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w: name %q must start with a lower-case letter and hold only a-z, 0-9, _ or - (at most 63 characters)", ErrInvalid, name)
	}
	return nil
}

func normalizeEngine(e string) (source.Engine, error) {
	switch strings.ToLower(strings.TrimSpace(e)) {
	case "postgres", "postgresql", "pg":
		return source.Postgres, nil
	case "duckdb":
		return source.DuckDB, nil
	}
	return "", fmt.Errorf("%w: engine %q is not supported; use \"postgres\" or \"duckdb\"", ErrInvalid, e)
}
