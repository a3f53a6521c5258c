package catalog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// DefaultCheckEvery is how often a cached snapshot is checked against the
// database's catalog fingerprint.
const DefaultCheckEvery = 5 * time.Second

// loadTimeout bounds one shared load, which outlives the caller that
// started it so that other callers waiting on it are not cancelled.
const loadTimeout = 2 * time.Minute

// Options are per-connection catalog settings.
type Options struct {
	// Samples turns sample values in contexts on.
	Samples bool
}

// Cache holds one Snapshot per connection name. Concurrent callers share
// one load; a snapshot older than CheckEvery is checked with a fingerprint
// query before use and reloaded when the catalog changed. It is safe for
// concurrent use.
type Cache struct {
	checkEvery time.Duration
	now        func() time.Time

	mu      sync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	snap    *Snapshot
	checked time.Time
	flight  *flight
}

type flight struct {
	done chan struct{}
	snap *Snapshot
	err  error
}

// NewCache returns a cache that checks snapshots at most every checkEvery
// (DefaultCheckEvery when 0).
func NewCache(checkEvery time.Duration) *Cache {
	if checkEvery <= 0 {
		checkEvery = DefaultCheckEvery
	}
	return &Cache{checkEvery: checkEvery, now: time.Now, entries: map[string]*cacheEntry{}}
}

// Invalidate forgets the snapshot of a connection (after DDL the caller
// made, or when the connection is removed); the next call reloads it. A
// load already running is not kept.
func (c *Cache) Invalidate(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, name)
}

// Snapshot returns the catalog of the connection called name, read through
// src when not cached, changed, or cached with other options.
func (c *Cache) Snapshot(ctx context.Context, name string, src source.Source, opt Options) (*Snapshot, error) {
	c.mu.Lock()
	e := c.entries[name]
	if e == nil {
		e = &cacheEntry{}
		c.entries[name] = e
	}
	if e.snap != nil && e.snap.Samples == opt.Samples && c.now().Sub(e.checked) < c.checkEvery {
		s := e.snap
		c.mu.Unlock()
		return s, nil
	}
	f := e.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		e.flight = f
		go c.refresh(ctx, e, f, src, opt)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.snap, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("catalog: %w", ctx.Err())
	}
}

// refresh checks the cached snapshot's fingerprint, or loads a new one,
// and publishes the outcome to f's waiters.
func (c *Cache) refresh(ctx context.Context, e *cacheEntry, f *flight, src source.Source, opt Options) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadTimeout)
	defer cancel()
	c.mu.Lock()
	old := e.snap
	c.mu.Unlock()
	var snap *Snapshot
	var err error
	if old != nil && old.Samples == opt.Samples {
		var q *snapshotSQL
		var fp string
		if q, err = snapshotSQLFor(src); err == nil {
			fp, err = fingerprint(ctx, src, q)
		}
		if err == nil && fp == old.Fingerprint {
			snap = old
		}
	}
	if snap == nil && err == nil {
		snap, err = LoadSnapshot(ctx, src)
		if err == nil {
			snap.Samples = opt.Samples
		}
	}
	c.mu.Lock()
	e.flight = nil
	if err == nil {
		e.snap, e.checked = snap, c.now()
	}
	f.snap, f.err = snap, err
	c.mu.Unlock()
	close(f.done)
}

// replace swaps the cached snapshot old for s (with samples added) unless
// it changed meanwhile.
func (c *Cache) replace(name string, old, s *Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[name]; e != nil && e.snap == old {
		e.snap = s
	}
}

// Context is the schema_context operation on a cached snapshot: Context
// over it and, with samples on, a second pass once the chosen tables have
// sample values (read once per table and kept in the cache).
func (c *Cache) Context(ctx context.Context, name string, src source.Source, opt Options, question string, maxTokens int) (Result, error) {
	s, err := c.Snapshot(ctx, name, src, opt)
	if err != nil {
		return Result{}, err
	}
	res := Context(s, question, maxTokens)
	if !opt.Samples || len(res.picked) == 0 {
		return res, nil
	}
	s2, err := AddSamples(ctx, src, s, res.picked)
	if err != nil {
		return Result{}, err
	}
	if s2 == s {
		return res, nil
	}
	c.replace(name, s, s2)
	return Context(s2, question, maxTokens), nil
}
