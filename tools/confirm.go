package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// How a write was confirmed, reported in execute_sql's output.
const (
	confirmedByUser   = "user"   // through MCP elicitation
	confirmedByCaller = "caller" // the call passed confirm: true
)

// writeConfirmer asks before a write commits. When the client supports
// elicitation the user is asked; otherwise the caller's confirm argument
// decides, so a first call without it previews the change (rolled back).
type writeConfirmer struct {
	connection string
	sql        string
	confirm    bool
	by         string // set when the write was confirmed
	declined   string // why it was not, for the hint
}

func (w *writeConfirmer) ask(ctx context.Context, ch source.Change) (bool, error) {
	if srv, ok := elicitationServer(ctx); ok {
		res, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{
			Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
			Params: mcp.ElicitationParams{
				Message:         w.question(ch),
				RequestedSchema: confirmSchema,
			},
		})
		if err != nil {
			return false, fmt.Errorf("asking the user to confirm the write failed, so it was rolled back: %w", err)
		}
		if res.Action == mcp.ElicitationResponseActionAccept && accepted(res.Content) {
			w.by = confirmedByUser
			return true, nil
		}
		w.declined = "the user did not confirm it"
		return false, nil
	}
	if w.confirm {
		w.by = confirmedByCaller
		return true, nil
	}
	w.declined = "this was a preview: call execute_sql again with the same sql and confirm: true to commit it"
	return false, nil
}

func (w *writeConfirmer) question(ch source.Change) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Commit this change to %q?\n\n%s\n\nResult: %s", w.connection, strings.TrimSpace(w.sql), ch.Tag)
	if ch.RowsAffected >= 0 {
		fmt.Fprintf(&sb, " (%d rows)", ch.RowsAffected)
	}
	sb.WriteString("\nIt has run inside a transaction that is rolled back unless you confirm.")
	return sb.String()
}

var confirmSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"commit": map[string]any{"type": "boolean", "title": "Commit the change", "default": false},
	},
	"required": []string{"commit"},
}

func accepted(content any) bool {
	m, ok := content.(map[string]any)
	if !ok {
		return false
	}
	v, _ := m["commit"].(bool)
	return v
}

// elicitationServer returns the MCP server when this call's client declared
// the elicitation capability.
func elicitationServer(ctx context.Context) (*server.MCPServer, bool) {
	srv := server.ServerFromContext(ctx)
	sess, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	if srv == nil || !ok {
		return nil, false
	}
	return srv, sess.GetClientCapabilities().Elicitation != nil
}
