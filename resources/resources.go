// Package resources exposes schema context as MCP resources: an overview
// of each connection and the DDL of each table, as resource templates whose
// connection and table names the client can complete.
package resources

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// URI templates. The scheme is the server's own.
const (
	OverviewURI = "iopsdata://{connection}/overview"
	TableURI    = "iopsdata://{connection}/tables/{table}"
)

// overviewTokens is the budget of an overview resource.
const overviewTokens = 4000

// maxCompletions is the protocol's limit on completion values.
const maxCompletions = 100

// Deps are what the resources read.
type Deps struct {
	Conns   *conns.Manager
	Catalog *catalog.Cache
}

// ServerOptions are the options the MCP server needs for these resources
// (completion of template arguments). Pass them when creating the server.
func ServerOptions(d *Deps) []server.ServerOption {
	return []server.ServerOption{
		server.WithResourceCapabilities(false, false),
		server.WithCompletions(),
		server.WithResourceCompletionProvider(completer{d}),
	}
}

// Register adds the resource templates to s.
func Register(s *server.MCPServer, d *Deps) {
	s.AddResourceTemplate(mcp.NewResourceTemplate(OverviewURI, "schema overview",
		mcp.WithTemplateDescription("Overview of a connection's schemas and tables with row counts, sized for a model's context."),
		mcp.WithTemplateMIMEType("text/plain")), d.readOverview)
	s.AddResourceTemplate(mcp.NewResourceTemplate(TableURI, "table DDL",
		mcp.WithTemplateDescription("CREATE TABLE statement of one table or view: columns, keys, comments and sample values."),
		mcp.WithTemplateMIMEType("application/sql")), d.readTable)
}

func (d *Deps) readOverview(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	name := arg(req, "connection")
	h, err := d.Conns.Get(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w; see list_connections", name, err)
	}
	res, err := d.Catalog.Context(ctx, name, h.Source, catalog.Options{}, "", overviewTokens)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w", name, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "text/plain", Text: res.Context}}, nil
}

func (d *Deps) readTable(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	name, table := arg(req, "connection"), arg(req, "table")
	h, err := d.Conns.Get(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w; see list_connections", name, err)
	}
	snap, err := d.Catalog.Snapshot(ctx, name, h.Source, catalog.Options{Samples: !h.Conn.Options.NoSamples})
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w", name, err)
	}
	ddl, err := catalog.TableDDL(snap, table)
	if err != nil {
		return nil, err
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/sql", Text: ddl}}, nil
}

// arg reads one template argument (mcp-go passes strings or string lists).
func arg(req mcp.ReadResourceRequest, key string) string {
	switch v := req.Params.Arguments[key].(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, "/")
	case []any:
		parts := make([]string, 0, len(v))
		for _, p := range v {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, "/")
	}
	return ""
}

// completer completes connection names, and table names of the connection
// already chosen.
type completer struct{ d *Deps }

func (c completer) CompleteResourceArgument(ctx context.Context, uri string, a mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	var names []string
	switch a.Name {
	case "connection":
		list, err := c.d.Conns.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, conn := range list {
			names = append(names, conn.Name)
		}
	case "table":
		conn := cc.Arguments["connection"]
		h, err := c.d.Conns.Get(ctx, conn)
		if err != nil {
			return &mcp.Completion{Values: []string{}}, nil
		}
		snap, err := c.d.Catalog.Snapshot(ctx, conn, h.Source, catalog.Options{})
		if err != nil {
			return nil, err
		}
		for _, t := range snap.Tables {
			names = append(names, t.QualifiedName())
		}
	}
	return complete(names, a.Value), nil
}

// complete filters names by a case-insensitive prefix (then substring)
// match and caps the answer at the protocol's limit.
func complete(names []string, prefix string) *mcp.Completion {
	p := strings.ToLower(prefix)
	var first, rest []string
	for _, n := range names {
		l := strings.ToLower(n)
		switch {
		case strings.HasPrefix(l, p):
			first = append(first, n)
		case strings.Contains(l, p):
			rest = append(rest, n)
		}
	}
	sort.Strings(first)
	sort.Strings(rest)
	all := append(first, rest...)
	out := &mcp.Completion{Values: all, Total: len(all)}
	if len(all) > maxCompletions {
		out.Values, out.HasMore = all[:maxCompletions], true
	}
	if out.Values == nil {
		out.Values = []string{}
	}
	return out
}
