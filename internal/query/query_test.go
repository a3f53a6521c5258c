package query

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
)

func TestResolveLimits(t *testing.T) {
	r := New(nil, nil, Limits{DefaultRows: 200, MaxRows: 1000, DefaultBytes: 1000, MaxBytes: 5000, DefaultTimeout: 30 * time.Second, MaxTimeout: time.Minute}, nil)
	cases := []struct {
		name             string
		conn             store.ConnOptions
		rows, bytes, tmo int
		want             source.Limits
	}{
		{"server defaults", store.ConnOptions{}, 0, 0, 0, source.Limits{MaxRows: 200, MaxBytes: 1000, Timeout: 30 * time.Second}},
		{"connection defaults", store.ConnOptions{MaxRows: 50, MaxBytes: 300, TimeoutMS: 500}, 0, 0, 0, source.Limits{MaxRows: 50, MaxBytes: 300, Timeout: 500 * time.Millisecond}},
		{"call wins", store.ConnOptions{MaxRows: 50}, 70, 400, 2000, source.Limits{MaxRows: 70, MaxBytes: 400, Timeout: 2 * time.Second}},
		{"capped by server", store.ConnOptions{MaxRows: 5000}, 1e9, 1e9, 1e9, source.Limits{MaxRows: 1000, MaxBytes: 5000, Timeout: time.Minute}},
	}
	for _, c := range cases {
		if got := r.resolve(c.conn, c.rows, c.bytes, c.tmo); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCheckRefusesBeforeTheDatabase(t *testing.T) {
	r := New(nil, nil, Limits{MaxSQLBytes: 100}, nil)
	for _, sql := range []string{"", "  \n", "-- only\n/* comments */", "SELECT 1; SELECT 2", "SELECT '" + string([]byte{0xff}) + "'", "SELECT " + string(make([]byte, 200))} {
		var e store.QueryLogEntry
		if err := r.check("postgres", sql, &e); !errors.Is(err, ErrRefused) {
			t.Errorf("%q: %v, want refused", sql, err)
		}
	}
	var e store.QueryLogEntry
	if err := r.check("postgres", "SELECT * FROM t WHERE id = 7", &e); err != nil || e.Fingerprint == "" {
		t.Fatalf("valid SQL: %v, fingerprint %q", err, e.Fingerprint)
	}
	err := r.check("postgres", "SELEC 1", &e)
	if source.KindOf(err) != source.KindSyntax {
		t.Fatalf("syntax error kind: %v", err)
	}
	if v := verdict(context.Background(), err); v != VerdictError {
		t.Fatalf("verdict of a syntax error: %s", v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if v := verdict(ctx, errors.New("x")); v != VerdictCanceled {
		t.Fatalf("verdict after cancel: %s", v)
	}
}
