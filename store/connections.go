package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// secret is what the Fernet token in connections.secret holds.
type secret struct {
	DSN string `json:"dsn"`
}

// AddConnection stores c with its DSN encrypted. It fails with ErrExists if
// the name is taken, and with ErrKey if the configured key is not the one the
// store's secrets use (adding would leave secrets under two unrelated keys).
func (s *Store) AddConnection(ctx context.Context, c Connection) error {
	if err := s.addConnection(ctx, c); err != nil {
		return fmt.Errorf("add connection %q: %w", c.Name, err)
	}
	return nil
}

func (s *Store) addConnection(ctx context.Context, c Connection) error {
	if c.Name == "" || c.Engine == "" {
		return errors.New("name and engine are required")
	}
	if err := s.checkCanary(ctx); err != nil {
		return err
	}
	plain, err := json.Marshal(secret{DSN: c.DSN})
	if err != nil {
		return err
	}
	tok, err := s.keys.seal(plain)
	if err != nil {
		return err
	}
	opts, err := json.Marshal(c.Options)
	if err != nil {
		return err
	}
	created := c.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	res, err := s.wdb.ExecContext(ctx,
		`INSERT INTO connections (name, engine, read_only, description, options, secret, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		c.Name, c.Engine, c.ReadOnly, c.Description, string(opts), tok, created.UnixMicro())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrExists
	}
	return nil
}

// GetConnection returns the named connection with its DSN decrypted. A DSN
// that decrypts only with an older key is re-encrypted with the current one.
func (s *Store) GetConnection(ctx context.Context, name string) (Connection, error) {
	c, err := s.getConnection(ctx, name)
	if err != nil {
		return Connection{}, fmt.Errorf("get connection %q: %w", name, err)
	}
	return c, nil
}

func (s *Store) getConnection(ctx context.Context, name string) (Connection, error) {
	var tok string
	row := s.rdb.QueryRowContext(ctx, `SELECT `+connColumns+`, secret FROM connections WHERE name = ?`, name)
	c, err := scanConnection(row, &tok)
	if errors.Is(err, sql.ErrNoRows) {
		return Connection{}, ErrNotFound
	}
	if err != nil {
		return Connection{}, err
	}
	plain, idx, err := s.keys.open(tok)
	if err != nil {
		return Connection{}, s.keyError()
	}
	var sec secret
	if err := json.Unmarshal(plain, &sec); err != nil {
		return Connection{}, errors.New("stored secret is malformed")
	}
	c.DSN = sec.DSN
	if idx > 0 {
		s.reseal(ctx, name, tok, plain)
	}
	return c, nil
}

// reseal re-encrypts a connection's secret with the current key, best
// effort. The update only applies if the secret is still the one we read.
func (s *Store) reseal(ctx context.Context, name, old string, plain []byte) {
	tok, err := s.keys.seal(plain)
	if err == nil {
		_, err = s.wdb.ExecContext(ctx,
			`UPDATE connections SET secret = ? WHERE name = ? AND secret = ?`, tok, name, old)
	}
	if err != nil {
		s.log.Warn("store: re-encrypting a connection with the current key failed", "connection", name, "err", err)
		return
	}
	s.log.Info("store: re-encrypted a connection with the current key", "connection", name)
}

// ListConnections returns all connections sorted by name, without DSNs; it
// needs no key.
func (s *Store) ListConnections(ctx context.Context) ([]Connection, error) {
	out, err := queryAll(ctx, s, `SELECT `+connColumns+` FROM connections ORDER BY name`,
		func(r *sql.Rows) (Connection, error) { return scanConnection(r) })
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	return out, nil
}

// queryAll runs a read query and scans every row with scan; it returns an
// empty slice, not nil, when there are none.
func queryAll[T any](ctx context.Context, s *Store, query string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := s.rdb.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RemoveConnection deletes the named connection; ErrNotFound if there is none.
func (s *Store) RemoveConnection(ctx context.Context, name string) error {
	res, err := s.wdb.ExecContext(ctx, `DELETE FROM connections WHERE name = ?`, name)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("remove connection %q: %w", name, err)
	}
	return nil
}

const connColumns = `name, engine, read_only, description, options, created_at`

// scanConnection scans connColumns, then any extra destinations.
func scanConnection(row interface{ Scan(...any) error }, extra ...any) (Connection, error) {
	var (
		c       Connection
		opts    string
		created int64
	)
	dest := append([]any{&c.Name, &c.Engine, &c.ReadOnly, &c.Description, &opts, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Connection{}, err
	}
	if err := json.Unmarshal([]byte(opts), &c.Options); err != nil {
		return Connection{}, fmt.Errorf("connection %q: options: %w", c.Name, err)
	}
	c.CreatedAt = time.UnixMicro(created).UTC()
	return c, nil
}
