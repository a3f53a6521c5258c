package tools

import (
	"log/slog"
	"slices"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/query"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/server"
)

// Deps are the engines the tools call.
type Deps struct {
	Conns  *conns.Manager
	Runner *query.Runner
	Store  *store.Store
	Log    *slog.Logger
	// Catalog caches schema snapshots per connection for schema_context
	// and the schema resources.
	Catalog *catalog.Cache
	// AllowWrites is the server's --allow-writes; it decides execute_sql's
	// annotations and whether add_connection accepts read_only false.
	AllowWrites bool
	// FilesRoots are the --files-root folders upload_file may read, besides
	// the roots the client declares.
	FilesRoots []string
	// FilesMaxBytes is --files-max-bytes, the largest upload; 0: no limit
	// for paths (content is capped at MaxContentBytes anyway).
	FilesMaxBytes int64
}

// Toolsets group tools so a deployment can enable only some of them.
const (
	ToolsetConnections = "connections"
	ToolsetSchema      = "schema"
	ToolsetQuery       = "query"
	ToolsetFiles       = "files"
	ToolsetLineage     = "lineage"
)

// AllToolsets lists every toolset, in the order they are documented.
var AllToolsets = []string{ToolsetConnections, ToolsetSchema, ToolsetQuery, ToolsetFiles, ToolsetLineage}

// All returns every tool the server offers. It is the one registry: the
// server, the schema snapshot test and the README table all derive from it.
func All(d *Deps) []Tool {
	return []Tool{
		{ServerTool: listConnections(d), Toolset: ToolsetConnections},
		{ServerTool: addConnection(d), Toolset: ToolsetConnections},
		{ServerTool: removeConnection(d), Toolset: ToolsetConnections},
		{ServerTool: testConnection(d), Toolset: ToolsetConnections},
		{ServerTool: listTables(d), Toolset: ToolsetSchema},
		{ServerTool: describeTable(d), Toolset: ToolsetSchema},
		{ServerTool: schemaContext(d), Toolset: ToolsetSchema},
		{ServerTool: profileTool(d), Toolset: ToolsetSchema},
		{ServerTool: executeSQL(d), Toolset: ToolsetQuery},
		{ServerTool: explainSQL(d), Toolset: ToolsetQuery},
		{ServerTool: queryHistory(d), Toolset: ToolsetQuery},
		{ServerTool: uploadFile(d), Toolset: ToolsetFiles},
		{ServerTool: removeFile(d), Toolset: ToolsetFiles},
		{ServerTool: lineageTool(d), Toolset: ToolsetLineage},
		{ServerTool: impactTool(d), Toolset: ToolsetLineage},
	}
}

// Select filters tools by toolset (empty: all).
func Select(all []Tool, toolsets []string) []server.ServerTool {
	var out []server.ServerTool
	for _, t := range all {
		if len(toolsets) == 0 || slices.Contains(toolsets, t.Toolset) {
			out = append(out, t.ServerTool)
		}
	}
	return out
}
