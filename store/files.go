package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// FileAsset is an uploaded file: its managed copy and how to read it.
type FileAsset struct {
	Name        string
	Format      string
	Size        int64
	SHA256      string
	RowCount    int64
	Columns     json.RawMessage // [{"name":..., "type":...}]
	Path        string          // the managed copy
	ReadOptions json.RawMessage
	CreatedAt   time.Time
}

// filesCounter is bumped on every add and remove, so FilesVersion changes
// even when a remove and an add leave the same count and max rowid.
const filesCounter = internalPrefix + "files_version"

const fileColumns = `name, format, size, sha256, row_count, columns, path, read_options, created_at`

// AddFileAsset records a; ErrExists when the name is taken.
func (s *Store) AddFileAsset(ctx context.Context, a FileAsset) error {
	if err := s.addFileAsset(ctx, a); err != nil {
		return fmt.Errorf("add file %q: %w", a.Name, err)
	}
	return nil
}

func (s *Store) addFileAsset(ctx context.Context, a FileAsset) error {
	if a.Name == "" || a.Path == "" {
		return errors.New("name and path are required")
	}
	cols, opts := jsonOr(a.Columns, "[]"), jsonOr(a.ReadOptions, "{}")
	created := a.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO file_assets (`+fileColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		a.Name, a.Format, a.Size, a.SHA256, a.RowCount, cols, a.Path, opts, created.UnixMicro())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrExists
	}
	if err := bumpFiles(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ListFileAssets returns every file asset sorted by name.
func (s *Store) ListFileAssets(ctx context.Context) ([]FileAsset, error) {
	out, err := queryAll(ctx, s, `SELECT `+fileColumns+` FROM file_assets ORDER BY name`,
		func(r *sql.Rows) (FileAsset, error) { return scanFileAsset(r) })
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return out, nil
}

// GetFileAsset returns the named asset; ErrNotFound if there is none.
func (s *Store) GetFileAsset(ctx context.Context, name string) (FileAsset, error) {
	a, err := scanFileAsset(s.rdb.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM file_assets WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return FileAsset{}, fmt.Errorf("get file %q: %w", name, err)
	}
	return a, nil
}

// RemoveFileAsset deletes the named asset's record; ErrNotFound if there is
// none. The managed copy is the caller's to delete.
func (s *Store) RemoveFileAsset(ctx context.Context, name string) error {
	err := s.removeFileAsset(ctx, name)
	if err != nil {
		return fmt.Errorf("remove file %q: %w", name, err)
	}
	return nil
}

func (s *Store) removeFileAsset(ctx context.Context, name string) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM file_assets WHERE name = ?`, name)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	if err := bumpFiles(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// FilesVersion is a cheap value that changes whenever file assets are added
// or removed, by this process or another one on the same home.
func (s *Store) FilesVersion(ctx context.Context) (string, error) {
	var n, maxID int64
	var counter sql.NullString
	err := s.rdb.QueryRowContext(ctx, `SELECT count(*), COALESCE(max(rowid), 0),
		(SELECT value FROM settings WHERE key = ?) FROM file_assets`, filesCounter).Scan(&n, &maxID, &counter)
	if err != nil {
		return "", fmt.Errorf("files version: %w", err)
	}
	return strconv.FormatInt(n, 10) + "-" + strconv.FormatInt(maxID, 10) + "-" + counter.String, nil
}

func bumpFiles(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`, filesCounter)
	return err
}

func scanFileAsset(row interface{ Scan(...any) error }) (FileAsset, error) {
	var (
		a          FileAsset
		cols, opts string
		created    int64
	)
	if err := row.Scan(&a.Name, &a.Format, &a.Size, &a.SHA256, &a.RowCount, &cols, &a.Path, &opts, &created); err != nil {
		return FileAsset{}, err
	}
	a.Columns, a.ReadOptions = json.RawMessage(cols), json.RawMessage(opts)
	a.CreatedAt = time.UnixMicro(created).UTC()
	return a, nil
}

func jsonOr(raw json.RawMessage, empty string) string {
	if len(raw) == 0 {
		return empty
	}
	return string(raw)
}
