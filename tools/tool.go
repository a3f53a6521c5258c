// Package tools is the MCP tool layer: one file per family, typed In/Out
// structs, thin handlers that call the engines, and one registry.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Tool is a registered tool and the toolset it belongs to.
type Tool struct {
	server.ServerTool
	Toolset string
	// Writes is true for tools that change something outside this server
	// (none yet in the default set); read-only mode leaves them out.
	Writes bool
}

// annotations of a tool, all required so that none is forgotten.
type hints struct {
	title       string
	readOnly    bool
	destructive bool
	idempotent  bool
	openWorld   bool
}

// textOf renders the compact text block that accompanies structured content.
type textOf[Out any] func(Out) string

// newTool builds a tool whose input and output schemas come from In and Out,
// and whose handler binds arguments, calls h and returns both structured
// content and a compact text block. Errors become tool errors (isError).
func newTool[In, Out any](name, description string, h hints, handle func(context.Context, In) (Out, error), text textOf[Out]) server.ServerTool {
	tool := mcp.NewTool(name,
		mcp.WithDescription(description),
		mcp.WithInputSchema[In](),
		mcp.WithOutputSchema[Out](),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title:           h.title,
			ReadOnlyHint:    mcp.ToBoolPtr(h.readOnly),
			DestructiveHint: mcp.ToBoolPtr(h.destructive),
			IdempotentHint:  mcp.ToBoolPtr(h.idempotent),
			OpenWorldHint:   mcp.ToBoolPtr(h.openWorld),
		}),
	)
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var in In
		if err := bindArgs(req, &in); err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("invalid arguments for %s: %v; see the tool's input schema", name, err)), nil
		}
		out, err := handle(withProgressToken(ctx, req), in)
		if err != nil {
			return mcp.NewToolResultError(scrubbed(err, message(err))), nil
		}
		return mcp.NewToolResultStructured(out, text(out)), nil
	}
	return server.ServerTool{Tool: tool, Handler: handler}
}

// bindArgs decodes the arguments strictly: an unknown argument is an error,
// so a misspelled max_rows is not silently ignored.
func bindArgs(req mcp.CallToolRequest, dst any) error {
	var raw []byte
	switch a := req.GetRawArguments().(type) {
	case nil:
		raw = []byte("{}")
	case json.RawMessage:
		raw = a
	default:
		var err error
		if raw, err = json.Marshal(a); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
