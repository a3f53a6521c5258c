package conns

import (
	"context"
	"fmt"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/internal/source/postgres"
	"github.com/iopsdata/iopsdata/store"
)

// builtins returns the built-in connections that exist in this server.
func (m *Manager) builtins() []store.Connection {
	out := m.demoBuiltin()
	if m.cfg.FilesDir != "" {
		out = append(out, filesBuiltin)
	}
	return out
}

func (m *Manager) demoBuiltin() []store.Connection {
	if m.cfg.DemoPath == "" {
		return nil
	}
	return []store.Connection{{
		Name:        Demo,
		Engine:      string(source.DuckDB),
		DSN:         m.cfg.DemoPath,
		ReadOnly:    true,
		Description: "Built-in sample e-commerce database (DuckDB): customers, products, orders, order_items, payments, shipments.",
	}}
}

func (m *Manager) openDefault(ctx context.Context, c store.Connection) (source.Source, error) {
	timeout := m.cfg.DefaultTimeout
	if c.Options.TimeoutMS > 0 {
		timeout = time.Duration(c.Options.TimeoutMS) * time.Millisecond
	}
	switch source.Engine(c.Engine) {
	case source.Postgres:
		pool := m.cfg.PoolSize
		if c.Options.PoolSize > 0 {
			pool = c.Options.PoolSize
		}
		return postgres.Open(postgres.Config{
			DSN:            c.DSN,
			PoolSize:       pool,
			DefaultTimeout: timeout,
			MaxRowsCap:     m.cfg.MaxRowsCap,
			AppName:        "iopsdata",
			Logger:         m.log,
		})
	case source.DuckDB:
		if c.Name == Files {
			return m.openFiles(ctx, c, timeout)
		}
		if c.Name == Demo {
			if err := duckdb.EnsureDemo(ctx, c.DSN); err != nil {
				return nil, fmt.Errorf("create demo database: %w", err)
			}
		}
		return duckdb.Open(ctx, duckdb.Config{
			Path:           c.DSN,
			ReadWrite:      m.Writable(c),
			DefaultTimeout: timeout,
			MaxRowsCap:     m.cfg.MaxRowsCap,
			FilesDir:       m.cfg.FilesDir,
			Logger:         m.log,
		})
	}
	return nil, fmt.Errorf("%w: engine %q is not supported", ErrInvalid, c.Engine)
}
