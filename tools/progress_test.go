package tools

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// TestProgressNotifications: a call that runs longer than a second reports
// progress to a client that asked for it (progressToken), and stops when
// the call ends.
func TestProgressNotifications(t *testing.T) {
	s := server.NewMCPServer("t", "t")
	s.AddTools(newTool("slow", "A test tool that takes a while and reports progress meanwhile.",
		hints{title: "slow", readOnly: true},
		func(ctx context.Context, _ struct{}) (struct{}, error) {
			stop := reportProgress(ctx, "working")
			defer stop()
			time.Sleep(2500 * time.Millisecond)
			return struct{}{}, nil
		}, func(struct{}) string { return "done" }))
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationProgress) && n.Params.AdditionalFields["progressToken"] == "tok" {
			got.Add(1)
		}
	})
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(t.Context(), init); err != nil {
		t.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "slow"
	req.Params.Meta = &mcp.Meta{ProgressToken: "tok"}
	if _, err := c.CallTool(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	after := got.Load()
	if after < 2 {
		t.Fatalf("%d progress notifications for a 2.5 s call, want 2", after)
	}
	time.Sleep(1500 * time.Millisecond)
	if got.Load() != after {
		t.Fatal("progress notifications continued after the call ended")
	}
}
