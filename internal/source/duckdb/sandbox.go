package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// sandboxSettings are the SET statements run on a connection before any
// user SQL, in this order. DuckDB 1.5 refuses to change allowed_directories
// once enable_external_access is false, and refuses every change once
// lock_configuration is true, so the lock comes last.
type sandboxSettings []string

func sandbox(cfg Config) sandboxSettings {
	var s sandboxSettings
	if cfg.FilesDir != "" {
		dir, err := filepath.Abs(cfg.FilesDir)
		if err != nil {
			dir = cfg.FilesDir
		}
		s = append(s, "SET allowed_directories = ["+quoteString(dir)+"]")
	}
	return append(s,
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET memory_limit = "+quoteString(cfg.MemoryLimit),
		"SET threads = "+strconv.Itoa(cfg.Threads),
		"SET max_temp_directory_size = "+quoteString(cfg.MaxTempSize),
		"SET TimeZone = 'UTC'",
		"SET lock_configuration = true",
	)
}

// apply is the connector's init callback. The settings are global to the
// DuckDB instance: the first connection sets and locks them; later
// connections (and a second Source on the same file, which shares the
// instance) find them locked and only verify the sandbox.
func (s sandboxSettings) apply(execer driver.ExecerContext) error {
	ctx := context.Background()
	locked, err := sandboxLocked(ctx, execer)
	if err != nil {
		return err
	}
	if locked {
		return nil
	}
	for _, stmt := range s {
		if _, err := execer.ExecContext(ctx, stmt, nil); err != nil {
			if strings.Contains(err.Error(), "configuration has been locked") {
				// Another opener locked the instance between our check and now.
				return verifyLocked(ctx, execer)
			}
			return fmt.Errorf("sandbox %q: %w", stmt, err)
		}
	}
	return nil
}

func verifyLocked(ctx context.Context, execer driver.ExecerContext) error {
	locked, err := sandboxLocked(ctx, execer)
	if err == nil && !locked {
		err = errors.New("sandbox: configuration is not locked")
	}
	return err
}

// sandboxLocked reports whether lock_configuration is on. A locked instance
// with external access still enabled was opened by someone else without the
// sandbox: that is an error, not a state to run user SQL in.
func sandboxLocked(ctx context.Context, execer driver.ExecerContext) (bool, error) {
	q, ok := execer.(driver.QueryerContext)
	if !ok {
		return false, errors.New("sandbox: connection cannot run queries")
	}
	rows, err := q.QueryContext(ctx, "SELECT current_setting('lock_configuration'), "+
		"current_setting('enable_external_access')", nil)
	if err != nil {
		return false, fmt.Errorf("sandbox: read settings: %w", err)
	}
	defer rows.Close()
	vals := make([]driver.Value, 2)
	if err := rows.Next(vals); err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("sandbox: read settings: %w", err)
	}
	locked, _ := vals[0].(bool)
	external, _ := vals[1].(bool)
	if locked && external {
		return false, errors.New("sandbox: DuckDB instance is locked with external access enabled")
	}
	return locked, nil
}

// quoteString renders s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
