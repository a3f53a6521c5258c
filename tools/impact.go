package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/impact"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
	"github.com/mark3labs/mcp-go/server"
)

type ImpactIn struct {
	Table      string `json:"table" jsonschema:"the table or view to assess: orders, public.orders, \"Sales\".\"Orders\""`
	Column     string `json:"column,omitempty" jsonschema:"narrow it to one column: what reads or filters on it, and what it feeds"`
	Connection string `json:"connection,omitempty" jsonschema:"the connection holding the table; its views are searched and its catalog resolves *. Without it, the query log of every connection is searched and no views"`
	Limit      int    `json:"limit,omitempty" jsonschema:"most dependents to return (default 100, max 1000)"`
	MaxDepth   int    `json:"max_depth,omitempty" jsonschema:"1 for direct dependents only; default: follow views and written tables all the way"`
}

type ImpactOut struct {
	Dependents []impact.Dependent `json:"dependents" jsonschema:"views, tables and logged queries that depend on the table, directly (depth 1) or through other views and tables; by depth, then most-run first"`
	Scanned    int                `json:"scanned" jsonschema:"distinct logged queries considered"`
	Analyzed   int                `json:"analyzed" jsonschema:"of those, the ones that could read the table and were traced"`
	Views      int                `json:"views" jsonschema:"view definitions searched"`
	Notes      []string           `json:"notes,omitempty"`
}

const maxImpactLimit = 1000

func impactTool(d *Deps) server.ServerTool {
	return newTool("impact",
		"What depends on a table or column, and so breaks or changes if it does: the views and materialized views built on it, tables filled from it by logged INSERT ... SELECT / CREATE TABLE AS, and the logged queries (from this server's query log, grouped by shape, with run counts) that read it, directly and transitively. With a column: which of them feed from it and which only filter, join or sort on it.",
		hints{title: "Impact analysis", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in ImpactIn) (ImpactOut, error) {
			if strings.TrimSpace(in.Table) == "" {
				return ImpactOut{}, errors.New("table is empty: pass the table or view to assess, e.g. \"orders\" or \"public.orders\"")
			}
			if in.Limit < 0 || in.Limit > maxImpactLimit {
				return ImpactOut{}, fmt.Errorf("limit %d is out of range: use 1 to %d, or leave it out for 100", in.Limit, maxImpactLimit)
			}
			if in.MaxDepth < 0 {
				return ImpactOut{}, errors.New("max_depth must be 1 or more; leave it out to follow every level")
			}
			conns, err := d.Conns.List(ctx)
			if err != nil {
				return ImpactOut{}, err
			}
			engines := map[string]string{}
			for _, c := range conns {
				engines[c.Name] = c.Engine
			}
			data := impact.Data{Views: map[string][]catalog.ViewDef{}}
			var notes []string
			opts := map[string]lineage.Options{}
			resolvers := map[string]*snapshotColumns{} // bare names by the connection's search path
			if in.Connection != "" {
				h, err := d.Conns.Get(ctx, in.Connection)
				if err != nil {
					return ImpactOut{}, onConn(in.Connection, err)
				}
				views, err := catalog.Views(ctx, h.Source)
				if err != nil {
					return ImpactOut{}, onConn(in.Connection, err)
				}
				data.Views[in.Connection] = views
				path, err := catalog.SearchPath(ctx, h.Source)
				if err != nil {
					return ImpactOut{}, onConn(in.Connection, err)
				}
				if snap, err := d.Catalog.Snapshot(ctx, in.Connection, h.Source, catalog.Options{}); err == nil {
					cols := newSnapshotColumns(snap, path)
					resolvers[in.Connection] = cols
					opts[in.Connection] = lineage.Options{Catalog: cols}
					// A table that is gone may still have dependents in the
					// log, so a miss is a note, not an error.
					var nf *catalog.NotFoundError
					if _, err := catalog.TableDDL(snap, in.Table); errors.As(err, &nf) {
						notes = append(notes, fmt.Sprintf("%s is not in the catalog of %s now: %s", in.Table, in.Connection, nf.Error()))
					} else if n := columnNote(cols, in.Table, in.Column); n != "" {
						notes = append(notes, n)
					}
				} else {
					notes = append(notes, "the catalog could not be read, so * in logged queries is not expanded: "+message(err))
				}
			} else {
				notes = append(notes, "no connection given: the query logs of all connections were searched, and no view definitions; pass connection to include views")
			}
			if data.Groups, err = d.Store.QueryGroups(ctx, in.Connection); err != nil {
				return ImpactOut{}, err
			}
			eng := impact.Engine{
				Analyze: func(ctx context.Context, conn, sql string) (*lineage.Result, error) {
					o := opts[conn]
					if engines[conn] == "duckdb" {
						o.Dialect = "duckdb" // DuckDB's parser first on DuckDB connections
					}
					return lineage.Analyze(ctx, sql, o)
				},
				DefaultSchema: func(conn, name string) string {
					if r := resolvers[conn]; r != nil {
						return r.schemaOf(name)
					}
					switch engines[conn] {
					case "postgres":
						return "public"
					case "duckdb":
						return "main"
					}
					return ""
				},
			}
			res, err := eng.Run(ctx, impact.Request{Table: in.Table, Column: in.Column, Connection: in.Connection, Limit: in.Limit, MaxDepth: in.MaxDepth}, data)
			if err != nil {
				return ImpactOut{}, err
			}
			views := 0
			for _, v := range data.Views {
				views += len(v)
			}
			out := ImpactOut{Dependents: res.Dependents, Scanned: res.Scanned, Analyzed: res.Analyzed, Views: views,
				Notes: append(append(notes, res.Notes...), followUps(in, res.Dependents)...)}
			if out.Dependents == nil {
				out.Dependents = []impact.Dependent{}
			}
			return out, nil
		},
		impactText)
}

// followUps are the next questions a column-level answer leaves open: a
// view or table that only filters on the column is listed, but what reads
// it is not followed (its rows change, its columns do not); a table filled
// by a query whose * could not be resolved may depend on the column.
func followUps(in ImpactIn, deps []impact.Dependent) []string {
	if in.Column == "" {
		return nil
	}
	var filters, maybe []string
	for _, d := range deps {
		switch {
		case d.Role == impact.RoleFilters && d.Name != "" && d.Kind != impact.KindQuery:
			filters = append(filters, d.Name)
		case d.Role == impact.RoleUnresolved:
			maybe = append(maybe, d.Writes...)
		}
	}
	var out []string
	if len(filters) > 0 {
		out = append(out, fmt.Sprintf("%s only filter, join or group on %s, so what reads them sees other rows when it changes: ask impact about them (table only) to follow them", strings.Join(filters, ", "), in.Column))
	}
	if len(maybe) > 0 {
		slices.Sort(maybe)
		maybe = slices.Compact(maybe)
		out = append(out, fmt.Sprintf("%s are filled by queries whose * could not be resolved and may depend on %s: pass connection, or ask impact about them", strings.Join(maybe, ", "), in.Column))
	}
	return out
}

// columnNote says when column is not a column of table in the catalog,
// and lists the table's columns (a misspelling would otherwise read as
// "nothing depends on it").
func columnNote(c *snapshotColumns, table, column string) string {
	if column == "" {
		return ""
	}
	st, err := sqlparse.Shape("SELECT * FROM " + table)
	if err != nil || len(st) != 1 || st[0].Query == nil || len(st[0].Query.From) != 1 {
		return ""
	}
	cols, ok := c.Columns(st[0].Query.From[0].Table)
	if !ok {
		return ""
	}
	want := strings.Trim(column, `"`)
	for _, col := range cols {
		if col == want || (want == column && strings.EqualFold(col, want)) {
			return ""
		}
	}
	if len(cols) > 30 {
		cols = append(cols[:30:30], "…")
	}
	return fmt.Sprintf("%s is not a column of %s now; its columns are %s", column, table, strings.Join(cols, ", "))
}

// maxTextColumns is how many column mappings of one dependent the text
// block shows.
const maxTextColumns = 8

func impactText(o ImpactOut) string {
	var b strings.Builder
	multiConn := false
	for _, dep := range o.Dependents {
		multiConn = multiConn || dep.Connection != o.Dependents[0].Connection
	}
	if len(o.Dependents) == 0 {
		fmt.Fprintf(&b, "no dependents found (%d view definitions and %d distinct logged queries searched)\n", o.Views, o.Scanned)
	}
	for _, dep := range o.Dependents {
		name := dep.Name
		if name == "" {
			name = dep.Fingerprint
		}
		if name == "" { // a query without a fingerprint
			name = "(" + impact.Clip(oneLine(dep.SQL), 60) + ")"
		}
		if multiConn {
			name = dep.Connection + ": " + name
		}
		fmt.Fprintf(&b, "depth %d: %s %s (%s %s)", dep.Depth, dep.Kind, name, dep.Role, dep.Via)
		if dep.Count > 0 {
			fmt.Fprintf(&b, ", run %d times, last %s", dep.Count, dep.LastSeen.UTC().Format("2006-01-02T15:04:05Z"))
		}
		b.WriteByte('\n')
		for i, c := range dep.Columns {
			if i == maxTextColumns && len(dep.Columns) > maxTextColumns+1 {
				fmt.Fprintf(&b, "  … and %d more columns (see structured content)\n", len(dep.Columns)-i)
				break
			}
			fmt.Fprintf(&b, "  %s\n", c)
		}
		if dep.Kind == "query" && dep.SQL != "" {
			fmt.Fprintf(&b, "  %s\n", impact.Clip(oneLine(dep.SQL), 300))
		}
	}
	for _, n := range o.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}
