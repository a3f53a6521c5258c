package tools

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// progressEvery is how often a long call reports that it is still working;
// calls that end sooner send nothing.
const progressEvery = time.Second

type progressKey struct{}

// withProgressToken keeps the call's progress token (when the client sent
// one) for long-running handlers.
func withProgressToken(ctx context.Context, req mcp.CallToolRequest) context.Context {
	if m := req.Params.Meta; m != nil && m.ProgressToken != nil {
		return context.WithValue(ctx, progressKey{}, m.ProgressToken)
	}
	return ctx
}

// reportProgress sends notifications/progress every progressEvery until the
// returned stop is called. progress is the seconds elapsed (no total is
// known in advance); message says what is being done.
func reportProgress(ctx context.Context, message string) (stop func()) {
	token := ctx.Value(progressKey{})
	srv := server.ServerFromContext(ctx)
	if token == nil || srv == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				_ = srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), map[string]any{
					"progressToken": token,
					"progress":      now.Sub(start).Seconds(),
					"message":       message,
				})
			}
		}
	}()
	return func() { close(done) }
}
