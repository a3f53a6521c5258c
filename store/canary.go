package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// canaryText is encrypted into settings[canaryKey] on first use. If the
// configured key cannot open it, the key changed: a wrong key is told apart
// from a store that simply holds no connections.
const canaryText = "iopsdata key canary v1"

// keyError explains a decryption failure and how to fix it. It never names a
// key, only where keys come from.
func (s *Store) keyError() error {
	if len(s.keys.keys) == 0 {
		return fmt.Errorf("%w: the key file %s is missing but the store holds encrypted connections; "+
			"restore %s, or set FERNET_KEY to the key they were encrypted with", ErrKey, s.keys.file, s.keys.file)
	}
	return fmt.Errorf("%w: the stored connections were encrypted with a different key; "+
		"set FERNET_KEY to the old key (or \"new,old\" to rotate), or restore %s", ErrKey, s.keys.file)
}

// KeyCheck reports whether the configured key(s) can decrypt everything the
// store holds: the canary and every connection. It returns nil for an empty
// store and an error wrapping ErrKey otherwise. It changes nothing.
func (s *Store) KeyCheck(ctx context.Context) error {
	if err := s.checkCanary(ctx); err != nil {
		return fmt.Errorf("key check: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT secret FROM connections`)
	if err != nil {
		return fmt.Errorf("key check: %w", err)
	}
	defer rows.Close()
	bad := 0
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			return fmt.Errorf("key check: %w", err)
		}
		if _, _, err := s.keys.open(tok); err != nil {
			bad++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("key check: %w", err)
	}
	if bad > 0 {
		return fmt.Errorf("key check: %d connection(s): %w", bad, s.keyError())
	}
	return nil
}

// checkCanary returns a key error unless the configured keys open the canary
// (or, in a store without one, a stored secret). A store with neither passes.
func (s *Store) checkCanary(ctx context.Context) error {
	tok, ok, err := s.Setting(ctx, canaryKey)
	if err != nil {
		return err
	}
	if !ok {
		err := s.rdb.QueryRowContext(ctx, `SELECT secret FROM connections LIMIT 1`).Scan(&tok)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	if _, _, err := s.keys.open(tok); err != nil {
		return s.keyError()
	}
	return nil
}

// ensureCanary writes the canary on first use and moves it to the current
// key during rotation. It never overwrites a canary it cannot open, and it
// does not bless a key that cannot open the secrets already stored.
func (s *Store) ensureCanary(ctx context.Context) error {
	if len(s.keys.keys) == 0 {
		return nil
	}
	old, ok, err := s.Setting(ctx, canaryKey)
	if err != nil {
		return err
	}
	if ok {
		_, idx, err := s.keys.open(old)
		if err != nil {
			s.log.Warn("store: " + s.keyError().Error())
			return nil
		}
		if idx > 0 {
			s.resealCanary(ctx, old)
		}
		return nil
	}
	if err := s.checkCanary(ctx); err != nil {
		s.log.Warn("store: " + err.Error())
		return nil
	}
	tok, err := s.keys.seal([]byte(canaryText))
	if err != nil {
		return err
	}
	// Two processes may race here with the same key; the first write wins.
	_, err = s.wdb.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, canaryKey, tok)
	if err != nil {
		return fmt.Errorf("write key canary: %w", err)
	}
	return nil
}

// resealCanary re-encrypts the canary with the current key, best effort.
func (s *Store) resealCanary(ctx context.Context, old string) {
	tok, err := s.keys.seal([]byte(canaryText))
	if err == nil {
		_, err = s.wdb.ExecContext(ctx,
			`UPDATE settings SET value = ? WHERE key = ? AND value = ?`, tok, canaryKey, old)
	}
	if err != nil {
		s.log.Warn("store: re-encrypting the key canary failed", "err", err)
	}
}

// hasSecrets reports whether the store holds anything encrypted.
func (s *Store) hasSecrets(ctx context.Context) (bool, error) {
	var has bool
	err := s.rdb.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM connections)
		OR EXISTS (SELECT 1 FROM settings WHERE key = ?)`, canaryKey).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("read store: %w", err)
	}
	return has, nil
}
