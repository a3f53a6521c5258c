package query

import (
	"context"
	"errors"
	"fmt"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
)

// VerdictDeclined is logged for a write that ran in its transaction but was
// not confirmed, so it was rolled back.
const VerdictDeclined = "declined"

// ErrNoConfirm means a write reached a caller that cannot confirm it.
var ErrNoConfirm = errors.New("writes need confirmation")

// write runs a statement the guard classed as a write (or DuckDB turned
// away as one) on a writable connection: in a transaction, shown to
// req.Confirm, committed only on its yes.
func (r *Runner) write(ctx context.Context, h conns.Handle, req Request, lim source.Limits) (*Response, error) {
	w, ok := h.Source.(source.Writer)
	if !ok || !r.writable(h.Conn) {
		return nil, fmt.Errorf("%w: connection %q is read-only", ErrRefused, h.Conn.Name)
	}
	if req.Confirm == nil {
		return nil, fmt.Errorf("%w: %w; this caller has no way to confirm a write", ErrRefused, ErrNoConfirm)
	}
	ch, committed, err := w.Write(ctx, req.SQL, lim, req.Confirm)
	if err != nil {
		return nil, err
	}
	resp := &Response{Result: ch.Returning, Limits: lim, Engine: h.Source.Engine(), Change: &ch, Committed: committed}
	if resp.Result == nil {
		resp.Result = &source.Result{Columns: []source.Column{}, Rows: [][]any{}}
	}
	resp.Elapsed = ch.Elapsed
	return resp, nil
}
