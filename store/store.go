package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

const (
	dbFileName  = "iopsdata.db"
	busyTimeout = 10 * time.Second
	readConns   = 4

	// internalPrefix marks settings the store owns; SetSetting refuses them.
	internalPrefix = "_store."
	canaryKey      = internalPrefix + "key_canary"
)

// Options configure Open.
type Options struct {
	Home      string       // directory, already created by the caller; store creates files inside
	FernetKey string       // raw value of FERNET_KEY; "" means use/generate <Home>/fernet.key
	Logger    *slog.Logger // may be nil
}

// Store is the embedded metadata store. It is safe for concurrent use, and
// several processes may open the same home directory at once.
type Store struct {
	path string
	log  *slog.Logger
	keys keyring

	wdb    *sql.DB // one connection: writes queue in Go, not in SQLite's busy handler
	rdb    *sql.DB // a few read-only connections
	insLog *sql.Stmt
	lw     *logWriter

	logKeep    int64 // query log rows kept by pruning
	pruneEvery int64 // prune when the new row id is a multiple of this
}

// Open opens (creating and migrating if needed) the store in opts.Home.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s, err := open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

func open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Home == "" {
		return nil, errors.New("home directory not set")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		path:       filepath.Join(opts.Home, dbFileName),
		log:        log,
		logKeep:    100_000,
		pruneEvery: 1000,
	}
	if strings.ContainsRune(s.path, '?') {
		return nil, fmt.Errorf("home directory %q: a path containing '?' is not supported", opts.Home)
	}
	if opts.FernetKey != "" { // fail on a bad FERNET_KEY before touching the disk
		if _, err := parseKeys(opts.FernetKey, "FERNET_KEY"); err != nil {
			return nil, err
		}
	}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()
	// The store holds encrypted DSNs and every query the agent ran: only
	// this user may read it. SQLite gives its -wal and -shm files the
	// database file's mode.
	f, err := os.OpenFile(s.path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create database file: %w", err)
	}
	f.Close()
	if err := os.Chmod(s.path, 0o600); err != nil {
		return nil, fmt.Errorf("restrict database file: %w", err)
	}
	// Write pool: every BEGIN is BEGIN IMMEDIATE (_txlock), so a transaction
	// takes the write lock up front instead of upgrading (and deadlocking) later.
	s.wdb, err = openDB(ctx, s.path, "_journal_mode=WAL&_txlock=immediate", 1)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, s.wdb); err != nil {
		return nil, err
	}
	s.rdb, err = openDB(ctx, s.path, "_query_only=true", readConns)
	if err != nil {
		return nil, err
	}
	s.insLog, err = s.wdb.PrepareContext(ctx, insertLogSQL)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	s.keys, err = loadKeyring(opts.Home, opts.FernetKey, log, func() (bool, error) { return s.hasSecrets(ctx) })
	if err != nil {
		return nil, err
	}
	if err := s.ensureCanary(ctx); err != nil {
		return nil, err
	}
	s.startLogWriter()
	ok = true
	return s, nil
}

// openDB opens a pool on the SQLite file with the common pragmas plus extra
// DSN parameters, and checks the first connection. A fresh file being
// switched to WAL by another process can report SQLITE_BUSY without waiting
// for the busy timeout, so that is retried.
func openDB(ctx context.Context, path, extra string, conns int) (*sql.DB, error) {
	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_synchronous=NORMAL&_foreign_keys=on&%s",
		path, busyTimeout.Milliseconds(), extra)
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	deadline := time.Now().Add(busyTimeout)
	for {
		err = db.PingContext(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			break
		}
		if err = sleep(ctx, 10*time.Millisecond); err != nil {
			break
		}
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// Close releases the store. It is safe to call more than once.
func (s *Store) Close() error {
	s.stopLogWriter()
	var errs []error
	if s.insLog != nil {
		errs = append(errs, s.insLog.Close())
		s.insLog = nil
	}
	for _, db := range []**sql.DB{&s.rdb, &s.wdb} {
		if *db != nil {
			errs = append(errs, (*db).Close())
			*db = nil
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Path returns the SQLite file path.
func (s *Store) Path() string { return s.path }

// Setting returns the value of a setting and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("get setting %q: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores a setting, replacing any previous value. Keys starting
// with "_store." belong to the store and are refused.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if key == "" || strings.HasPrefix(key, internalPrefix) {
		return fmt.Errorf("set setting %q: key is empty or reserved", key)
	}
	if err := s.putSetting(ctx, key, value); err != nil {
		return fmt.Errorf("set setting %q: %w", key, err)
	}
	return nil
}

func (s *Store) putSetting(ctx context.Context, key, value string) error {
	_, err := s.wdb.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
