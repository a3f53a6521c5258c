package files

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"

	"path/filepath"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// View is one uploaded file as a view: its name and the table function
// call that reads its managed copy (ReadOptions.Expr).
type View struct {
	Name     string
	ReadExpr string
}

// BuildViews writes a DuckDB file at path that holds one view per entry and
// nothing else. The file is built under a temporary name and renamed, so a
// reader never sees a half-built file. path must sit in a directory of the
// managed directory (<files>/.views/...): building runs sandboxed to that
// managed directory, which DuckDB reads when it binds each view. A view that
// cannot be created (its managed copy is gone) is left out, the file is
// still written, and the error is a *SkippedError naming it.
func BuildViews(ctx context.Context, path string, views []View) error {
	tmp := path + ".tmp"
	os.Remove(tmp)
	os.Remove(tmp + ".wal")
	skipped, err := buildViews(ctx, tmp, views)
	if err != nil {
		os.Remove(tmp)
		os.Remove(tmp + ".wal")
		return fmt.Errorf("build files views: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("build files views: %w", err)
	}
	if len(skipped) > 0 {
		return &SkippedError{Views: skipped}
	}
	return nil
}

// SkippedError lists views BuildViews left out; the file was written.
type SkippedError struct {
	Views []error
}

func (e *SkippedError) Error() string {
	return fmt.Sprintf("files views: %d left out: %v", len(e.Views), errors.Join(e.Views...))
}

func buildViews(ctx context.Context, path string, views []View) (skipped []error, err error) {
	managed, err := filepath.EvalSymlinks(filepath.Dir(filepath.Dir(path)))
	if err != nil {
		return nil, err
	}
	settings := []string{
		"SET allowed_directories = [" + quoteString(managed+string(filepath.Separator)) + "]",
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET threads = 1",
	}
	connector, err := duckdb.NewConnector(path, func(execer driver.ExecerContext) error {
		for _, s := range settings {
			if _, err := execer.ExecContext(context.Background(), s, nil); err != nil {
				return fmt.Errorf("sandbox %q: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, v := range views {
		if err = ctx.Err(); err != nil {
			break
		}
		if _, verr := conn.ExecContext(ctx, ViewSQL(v.Name, v.ReadExpr)); verr != nil {
			skipped = append(skipped, fmt.Errorf("view %q: %w", v.Name, verr))
		}
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "CHECKPOINT")
	}
	return skipped, errors.Join(err, conn.Close(), db.Close())
}
