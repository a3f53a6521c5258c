package conns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/iopsdata/iopsdata/internal/files"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/source/duckdb"
	"github.com/iopsdata/iopsdata/store"
)

// filesBuiltin is the files connection as listed; its DSN, the views file
// for the current FilesVersion, is filled in by lookup.
var filesBuiltin = store.Connection{
	Name:        Files,
	Engine:      string(source.DuckDB),
	ReadOnly:    true,
	Description: "Uploaded files (DuckDB, read-only): one view per file added with upload_file; list_tables shows them.",
}

// managerSeq numbers managers so two in one process never share a views file.
var managerSeq atomic.Int64

// staleViews is the age after which another process's views file is
// assumed abandoned and removed.
const staleViews = 24 * time.Hour

// viewsDir holds the per-process DuckDB files that define the views.
func (m *Manager) viewsDir() string { return filepath.Join(m.cfg.FilesDir, ".views") }

// viewsPrefix starts the name of every views file of this manager.
func (m *Manager) viewsPrefix() string {
	return strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(m.id, 10) + "-"
}

// filesDSN is the views file for the store's current files version. It
// changes whenever any process adds or removes a file, which makes Get
// reopen the connection.
func (m *Manager) filesDSN(ctx context.Context) (string, error) {
	v, err := m.store.FilesVersion(ctx)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(v))
	return filepath.Join(m.viewsDir(), m.viewsPrefix()+hex.EncodeToString(sum[:6])+".duckdb"), nil
}

// FilesChanged makes the next Get of the files connection compare its
// version with the store at once, after this process added or removed a file.
func (m *Manager) FilesChanged() {
	m.mu.Lock()
	e := m.sources[Files]
	m.mu.Unlock()
	if e != nil {
		e.checked.Store(0)
	}
}

// openFiles builds the views file c.DSN from the store's assets and opens
// it read-only in the usual sandbox, which lets SQL read only FilesDir.
func (m *Manager) openFiles(ctx context.Context, c store.Connection, timeout time.Duration) (source.Source, error) {
	if err := os.MkdirAll(m.viewsDir(), 0o700); err != nil {
		return nil, fmt.Errorf("files connection: %w", err)
	}
	m.sweepViews()
	dir, err := filepath.EvalSymlinks(m.cfg.FilesDir) // managed copies are named by their real path
	if err != nil {
		return nil, fmt.Errorf("files connection: %w", err)
	}
	assets, err := m.store.ListFileAssets(ctx)
	if err != nil {
		return nil, err
	}
	views := make([]files.View, 0, len(assets))
	for _, a := range assets {
		var o files.ReadOptions
		if err := json.Unmarshal(a.ReadOptions, &o); err != nil || o.Format == "" {
			m.log.Warn("files: asset has no read options; left out", "file", a.Name)
			continue
		}
		views = append(views, files.View{Name: a.Name, ReadExpr: o.Expr(a.Path)})
	}
	var skipped *files.SkippedError
	if err := files.BuildViews(ctx, c.DSN, views); errors.As(err, &skipped) {
		m.log.Warn("files: some files cannot be read; left out", "err", err)
	} else if err != nil {
		return nil, err
	}
	src, err := duckdb.Open(ctx, duckdb.Config{
		Path:           c.DSN,
		DefaultTimeout: timeout,
		MaxRowsCap:     m.cfg.MaxRowsCap,
		FilesDir:       dir,
		Logger:         m.log,
	})
	if err != nil {
		removeViews(c.DSN)
		return nil, err
	}
	return &viewsSource{Source: src, path: c.DSN}, nil
}

// viewsSource deletes its views file when closed.
type viewsSource struct {
	source.Source
	path string
}

func (v *viewsSource) Close() error {
	err := v.Source.Close()
	removeViews(v.path)
	return err
}

func removeViews(path string) {
	for _, p := range []string{path, path + ".wal", path + ".tmp", path + ".tmp.wal"} {
		os.Remove(p)
	}
}

// sweepViews removes views files of other processes older than staleViews;
// this manager's own files are removed when their source closes.
func (m *Manager) sweepViews() {
	entries, err := os.ReadDir(m.viewsDir())
	if err != nil {
		return
	}
	own := m.viewsPrefix()
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), own) {
			continue
		}
		if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > staleViews {
			os.Remove(filepath.Join(m.viewsDir(), de.Name()))
		}
	}
}

// FilesEngine returns the ingest engine, opening it on first use so that
// startup stays fast.
func (m *Manager) FilesEngine(ctx context.Context) (*files.Engine, error) {
	m.filesMu.Lock()
	defer m.filesMu.Unlock()
	if m.engine != nil {
		return m.engine, nil
	}
	if m.cfg.FilesDir == "" {
		return nil, errors.New("files are not available: the server has no home directory")
	}
	e, err := files.Open(ctx, m.cfg.FilesDir)
	if err != nil {
		return nil, err
	}
	m.engine = e
	return e, nil
}

func (m *Manager) closeFiles() {
	m.filesMu.Lock()
	defer m.filesMu.Unlock()
	if m.engine != nil {
		_ = m.engine.Close()
		m.engine = nil
	}
}
