package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// The query log is written by one background goroutine in batches, one
// transaction per batch, so a tool call only hands its entry over. Readers
// (QueryHistory) and Close flush first, so nothing handed over is lost or
// unseen by this process.

const (
	logQueue = 4096 // entries waiting; LogQuery blocks when it is full
	logBatch = 256  // entries per transaction at most
	// logLinger is how long the writer waits for more entries before it
	// commits, so that a busy session pays one transaction per many calls.
	// A flush (QueryHistory, Close) commits at once.
	logLinger = 20 * time.Millisecond
)

type logItem struct {
	e     *QueryLogEntry
	flush chan struct{} // closed once every earlier entry is committed
}

type logWriter struct {
	mu     sync.RWMutex // held for reading while sending, for writing to close
	closed bool
	ch     chan logItem
	done   chan struct{}
}

func (s *Store) startLogWriter() {
	s.lw = &logWriter{ch: make(chan logItem, logQueue), done: make(chan struct{})}
	go s.writeLog()
}

// send hands an item to the writer; false once the store is closed.
func (w *logWriter) send(it logItem) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return false
	}
	w.ch <- it
	return true
}

// flushLog waits until every entry handed over before it is committed.
func (s *Store) flushLog(ctx context.Context) error {
	done := make(chan struct{})
	if !s.lw.send(logItem{flush: done}) {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopLogWriter commits what is queued and stops the writer.
func (s *Store) stopLogWriter() {
	if s.lw == nil {
		return
	}
	s.lw.mu.Lock()
	if !s.lw.closed {
		s.lw.closed = true
		close(s.lw.ch)
	}
	s.lw.mu.Unlock()
	<-s.lw.done
}

func (s *Store) writeLog() {
	defer close(s.lw.done)
	batch := make([]logItem, 0, logBatch)
	timer := time.NewTimer(logLinger)
	for it := range s.lw.ch {
		batch = append(batch[:0], it)
		timer.Reset(logLinger)
	collect:
		for len(batch) < logBatch && it.flush == nil {
			select {
			case it = <-s.lw.ch:
				if it.e == nil && it.flush == nil { // channel closed
					break collect
				}
				batch = append(batch, it)
			case <-timer.C:
				break collect
			}
		}
		s.commitLog(batch)
	}
}

// commitLog inserts a batch in one transaction and releases flush waiters.
func (s *Store) commitLog(batch []logItem) {
	defer func() {
		for _, it := range batch {
			if it.flush != nil {
				close(it.flush)
			}
		}
	}()
	ctx := context.Background()
	n := 0
	for _, it := range batch {
		if it.e != nil {
			n++
		}
	}
	if n == 0 {
		return
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.insertBatch(ctx, batch); err == nil {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	s.log.Warn("store: writing the query log failed; entries lost", "entries", n, "err", err)
}

func (s *Store) insertBatch(ctx context.Context, batch []logItem) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("log query: %w", err)
	}
	defer tx.Rollback()
	stmt := tx.StmtContext(ctx, s.insLog)
	var last int64
	for _, it := range batch {
		if it.e == nil {
			continue
		}
		e := it.e
		res, err := stmt.ExecContext(ctx, e.At.UnixMicro(), e.Connection, e.Tool,
			capText(e.SQL, maxSQLBytes), e.Fingerprint, e.Verdict, e.Rows, e.ElapsedMS,
			capText(e.Error, maxErrorBytes))
		if err != nil {
			return fmt.Errorf("log query: %w", err)
		}
		if id, err := res.LastInsertId(); err == nil {
			last = id
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("log query: %w", err)
	}
	if s.pruneEvery > 0 && last/s.pruneEvery != (last-int64(countEntries(batch)))/s.pruneEvery {
		s.pruneLog(ctx, last)
	}
	return nil
}

func countEntries(batch []logItem) int {
	n := 0
	for _, it := range batch {
		if it.e != nil {
			n++
		}
	}
	return n
}
