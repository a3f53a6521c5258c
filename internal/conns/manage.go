package conns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
)

// Added describes a connection that was just stored.
type Added struct {
	Conn store.Connection // DSN left out
	Info source.Info
}

// Add validates c, connects to it, and stores it only when the connection
// works. On any failure the store is unchanged.
func (m *Manager) Add(ctx context.Context, c store.Connection) (Added, error) {
	if err := ValidateName(c.Name); err != nil {
		return Added{}, err
	}
	eng, err := normalizeEngine(c.Engine)
	if err != nil {
		return Added{}, err
	}
	c.Engine = string(eng)
	c.DSN = strings.TrimSpace(c.DSN)
	if c.DSN == "" {
		return Added{}, fmt.Errorf("%w: dsn is empty; give a PostgreSQL URL (postgres://user:pass@host:5432/db) or a DuckDB file path", ErrInvalid)
	}
	if err := m.validatePolicy(&c); err != nil {
		return Added{}, err
	}
	if len(c.Description) > 1000 {
		return Added{}, fmt.Errorf("%w: description is longer than 1000 characters", ErrInvalid)
	}
	if eng == source.DuckDB {
		if c.DSN, err = duckDBPath(c.DSN); err != nil {
			return Added{}, err
		}
	}
	if _, err := m.store.GetConnection(ctx, c.Name); err == nil {
		return Added{}, fmt.Errorf("connection %q %w", c.Name, store.ErrExists)
	} else if !errors.Is(err, store.ErrNotFound) {
		return Added{}, err
	}

	cctx, cancel := context.WithTimeout(ctx, m.cfg.ConnectTimeout)
	defer cancel()
	src, err := m.open(cctx, c)
	if err != nil {
		return Added{}, err
	}
	info, err := src.Ping(cctx)
	if err != nil {
		_ = src.Close()
		return Added{}, err
	}
	c.CreatedAt = time.Now().UTC()
	if err := m.store.AddConnection(ctx, c); err != nil {
		_ = src.Close()
		return Added{}, err
	}
	e := m.entryFor(c)
	e.once.Do(func() { e.src = src })
	if e.src != src { // lost a race with a concurrent Get; keep theirs
		_ = src.Close()
	}
	c.DSN = ""
	return Added{Conn: c, Info: info}, nil
}

// validatePolicy checks the write settings and fills their defaults.
func (m *Manager) validatePolicy(c *store.Connection) error {
	if c.ReadOnly {
		if len(c.Options.Writes) > 0 {
			return fmt.Errorf("%w: writes %v need read_only false", ErrInvalid, c.Options.Writes)
		}
		return nil
	}
	if !m.cfg.AllowWrites {
		return fmt.Errorf("%w: this server runs read-only; to add a writable connection, restart it with --allow-writes (IOPSDATA_ALLOW_WRITES=true)", ErrInvalid)
	}
	if len(c.Options.Writes) == 0 {
		c.Options.Writes = []string{"dml"}
	}
	for _, w := range c.Options.Writes {
		if !slices.Contains(WriteClasses, w) {
			return fmt.Errorf("%w: write class %q is not one of %s", ErrInvalid, w, strings.Join(WriteClasses, ", "))
		}
	}
	return nil
}

// Remove deletes a stored connection and closes its pool.
func (m *Manager) Remove(ctx context.Context, name string) error {
	if name == Demo || name == Files {
		return fmt.Errorf("%w %q cannot be removed", ErrBuiltin, name)
	}
	if err := m.store.RemoveConnection(ctx, name); err != nil {
		return err
	}
	m.mu.Lock()
	e := m.sources[name]
	delete(m.sources, name)
	m.mu.Unlock()
	if e != nil {
		closeEntry(e)
	}
	return nil
}

// Test connects to name and measures one round trip.
func (m *Manager) Test(ctx context.Context, name string) (source.Info, time.Duration, error) {
	h, err := m.Get(ctx, name)
	if err != nil {
		return source.Info{}, 0, err
	}
	cctx, cancel := context.WithTimeout(ctx, m.cfg.ConnectTimeout)
	defer cancel()
	start := time.Now()
	info, err := h.Source.Ping(cctx)
	return info, time.Since(start), err
}

// duckDBPath resolves a DuckDB DSN (a file path, optionally "duckdb://" or
// "~/") to an absolute path of an existing file.
func duckDBPath(dsn string) (string, error) {
	p := strings.TrimPrefix(dsn, "duckdb://")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == ":memory:" || p == "" {
		return "", fmt.Errorf("%w: an in-memory DuckDB has no data to query; give the path of a .duckdb file", ErrInvalid)
	}
	if strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%w: cannot expand ~: %v", ErrInvalid, err)
		}
		p = filepath.Join(home, p[2:])
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("%w: path %q: %v", ErrInvalid, p, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", &source.Error{Kind: source.KindNoDatabase, Message: fmt.Sprintf("DuckDB file %q does not exist; give the path of an existing .duckdb file", abs), Err: err}
	}
	if st.IsDir() {
		return "", fmt.Errorf("%w: %q is a directory; give the path of a .duckdb file", ErrInvalid, abs)
	}
	return abs, nil
}
