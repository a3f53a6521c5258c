package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/iopsdata/iopsdata/internal/conns"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/server"
)

// ConnectionInfo is one connection as list_connections shows it.
type ConnectionInfo struct {
	Name        string `json:"name"`
	Engine      string `json:"engine" jsonschema:"postgres or duckdb"`
	ReadOnly    bool   `json:"read_only"`
	Description string `json:"description"`
	Builtin     bool   `json:"builtin,omitempty" jsonschema:"true for connections the server provides (demo)"`
}

type ListConnectionsIn struct{}

type ListConnectionsOut struct {
	Connections []ConnectionInfo `json:"connections"`
}

func listConnections(d *Deps) server.ServerTool {
	return newTool("list_connections",
		"List the database connections this server can query (name, engine, read-only flag, description). Start here; the built-in \"demo\" connection is a sample DuckDB e-commerce database.",
		hints{title: "List connections", readOnly: true, idempotent: true},
		func(ctx context.Context, _ ListConnectionsIn) (ListConnectionsOut, error) {
			list, err := d.Conns.List(ctx)
			if err != nil {
				return ListConnectionsOut{}, err
			}
			out := ListConnectionsOut{Connections: make([]ConnectionInfo, 0, len(list))}
			for _, c := range list {
				out.Connections = append(out.Connections, ConnectionInfo{
					Name: c.Name, Engine: c.Engine, ReadOnly: c.ReadOnly, Description: c.Description,
					Builtin: c.Name == conns.Demo || c.Name == conns.Files,
				})
			}
			return out, nil
		},
		func(o ListConnectionsOut) string {
			var sb strings.Builder
			for _, c := range o.Connections {
				ro := "read-only"
				if !c.ReadOnly {
					ro = "read-write"
				}
				fmt.Fprintf(&sb, "%s (%s, %s)", c.Name, c.Engine, ro)
				if c.Description != "" {
					sb.WriteString(": " + c.Description)
				}
				sb.WriteByte('\n')
			}
			if len(o.Connections) == 0 {
				sb.WriteString("no connections; call add_connection\n")
			}
			return sb.String()
		})
}

type AddConnectionIn struct {
	Name           string   `json:"name" jsonschema:"short unique name: lower-case letters, digits, _ or -"`
	Engine         string   `json:"engine" jsonschema:"postgres or duckdb"`
	DSN            string   `json:"dsn" jsonschema:"PostgreSQL URL or key=value DSN (stored encrypted; TLS settings such as sslmode are honoured), or the path of a DuckDB file"`
	ReadOnly       *bool    `json:"read_only,omitempty" jsonschema:"default true; false needs a server started with --allow-writes, and every write is confirmed before it commits"`
	Description    string   `json:"description,omitempty" jsonschema:"what the database holds, shown to models in list_connections"`
	MaxRows        int      `json:"max_rows,omitempty" jsonschema:"default row cap for execute_sql on this connection"`
	TimeoutMS      int      `json:"timeout_ms,omitempty" jsonschema:"default statement timeout on this connection"`
	PoolSize       int      `json:"pool_size,omitempty" jsonschema:"PostgreSQL connection pool size (default 4)"`
	Writes         []string `json:"writes,omitempty" jsonschema:"with read_only false: statement classes allowed after confirmation: dml, ddl, admin (default dml)"`
	AllowFunctions []string `json:"allow_functions,omitempty" jsonschema:"volatile user or extension functions that queries may call on this connection"`
	Samples        *bool    `json:"samples,omitempty" jsonschema:"show a few sample values per column in schema_context (default true; false for sensitive data)"`
}

type AddConnectionOut struct {
	Name          string   `json:"name"`
	Engine        string   `json:"engine"`
	ReadOnly      bool     `json:"read_only"`
	ServerVersion string   `json:"server_version"`
	Writes        []string `json:"writes,omitempty" jsonschema:"statement classes allowed after confirmation"`
	Warnings      []string `json:"warnings,omitempty" jsonschema:"privileges of the role that a read-only tool should not have"`
}

func addConnection(d *Deps) server.ServerTool {
	return newTool("add_connection",
		"Store a new database connection after checking that it works. The DSN is encrypted at rest and never shown again. Use for PostgreSQL (engine \"postgres\") or a DuckDB file (engine \"duckdb\").",
		hints{title: "Add connection", openWorld: true},
		func(ctx context.Context, in AddConnectionIn) (AddConnectionOut, error) {
			readOnly := in.ReadOnly == nil || *in.ReadOnly
			added, err := d.Conns.Add(ctx, store.Connection{
				Name: in.Name, Engine: in.Engine, DSN: in.DSN, ReadOnly: readOnly, Description: in.Description,
				Options: store.ConnOptions{MaxRows: in.MaxRows, TimeoutMS: in.TimeoutMS, PoolSize: in.PoolSize,
					Writes: in.Writes, AllowFunctions: in.AllowFunctions, NoSamples: in.Samples != nil && !*in.Samples},
			})
			if err != nil {
				return AddConnectionOut{}, redactErr(onConn(in.Name, err), in.DSN)
			}
			return AddConnectionOut{
				Name: added.Conn.Name, Engine: added.Conn.Engine, ReadOnly: added.Conn.ReadOnly, Writes: added.Conn.Options.Writes,
				ServerVersion: added.Info.ServerVersion, Warnings: privilegeWarnings(added.Info),
			}, nil
		},
		func(o AddConnectionOut) string {
			mode := "read-only"
			if !o.ReadOnly {
				mode = "writable after confirmation: " + strings.Join(o.Writes, ", ")
			}
			s := fmt.Sprintf("added %s (%s %s, %s)\n", o.Name, o.Engine, o.ServerVersion, mode)
			for _, w := range o.Warnings {
				s += "warning: " + w + "\n"
			}
			return s
		})
}

// privilegeWarnings names the role's privileges that reach beyond reading data.
func privilegeWarnings(info source.Info) []string {
	var w []string
	if info.Superuser {
		w = append(w, fmt.Sprintf("role %q is a superuser; use a least-privilege role that can only SELECT (see the README)", info.User))
	}
	for _, r := range info.Roles {
		w = append(w, fmt.Sprintf("role %q is a member of %s; use a least-privilege role", info.User, r))
	}
	return w
}

type RemoveConnectionIn struct {
	Name string `json:"name"`
}

type RemoveConnectionOut struct {
	Name    string `json:"name"`
	Removed bool   `json:"removed"`
}

func removeConnection(d *Deps) server.ServerTool {
	return newTool("remove_connection",
		"Delete a stored connection and its encrypted DSN. The database itself is not touched.",
		hints{title: "Remove connection", destructive: true, idempotent: true},
		func(ctx context.Context, in RemoveConnectionIn) (RemoveConnectionOut, error) {
			if err := d.Conns.Remove(ctx, in.Name); err != nil {
				return RemoveConnectionOut{}, onConn(in.Name, err)
			}
			if d.Catalog != nil {
				d.Catalog.Invalidate(in.Name)
			}
			return RemoveConnectionOut{Name: in.Name, Removed: true}, nil
		},
		func(o RemoveConnectionOut) string { return "removed " + o.Name + "\n" })
}

type TestConnectionIn struct {
	Name string `json:"name"`
}

type TestConnectionOut struct {
	OK            bool     `json:"ok"`
	LatencyMS     float64  `json:"latency_ms"`
	ServerVersion string   `json:"server_version"`
	Warnings      []string `json:"warnings,omitempty"`
}

func testConnection(d *Deps) server.ServerTool {
	return newTool("test_connection",
		"Check that a stored connection works: connects, measures one round trip, reports the server version and risky role privileges.",
		hints{title: "Test connection", readOnly: true, openWorld: true},
		func(ctx context.Context, in TestConnectionIn) (TestConnectionOut, error) {
			info, lat, err := d.Conns.Test(ctx, in.Name)
			if err != nil {
				return TestConnectionOut{}, onConn(in.Name, err)
			}
			return TestConnectionOut{OK: true, LatencyMS: ms(lat), ServerVersion: info.ServerVersion, Warnings: privilegeWarnings(info)}, nil
		},
		func(o TestConnectionOut) string {
			s := fmt.Sprintf("ok: %s, %.2f ms\n", o.ServerVersion, o.LatencyMS)
			for _, w := range o.Warnings {
				s += "warning: " + w + "\n"
			}
			return s
		})
}
