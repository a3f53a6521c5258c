package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/internal/relq"
	"github.com/iopsdata/iopsdata/internal/source"
	"github.com/iopsdata/iopsdata/internal/sqlparse"
	"github.com/iopsdata/iopsdata/store"
	"github.com/mark3labs/mcp-go/server"
)

// maxLineageSQL bounds the SQL one lineage call reads.
const maxLineageSQL = 1 << 20

type LineageIn struct {
	SQL        string              `json:"sql" jsonschema:"one SQL statement or a script of several (PostgreSQL syntax; DuckDB-only SELECT syntax is read by DuckDB's parser)"`
	Schema     map[string][]string `json:"schema,omitempty" jsonschema:"table → its ordered column names, keyed as the table is written in the SQL; needed for * and INSERT without a column list when no connection is given"`
	Connection string              `json:"connection,omitempty" jsonschema:"take the columns of tables the schema argument lacks from this connection's catalog"`
	Format     string              `json:"format,omitempty" jsonschema:"\"openlineage\" also returns an OpenLineage run-event fragment (inputs, outputs, column lineage facet); its namespace is postgres://host:port for a PostgreSQL connection, iopsdata://<connection> otherwise"`
}

type LineageStatement struct {
	Kind    string              `json:"kind" jsonschema:"the statement: select, insert, update, delete, merge, create table as, create view, copy to, truncate, drop, rename, ..."`
	SQL     string              `json:"sql,omitempty" jsonschema:"the statement's text, for scripts"`
	Read    []string            `json:"read"`
	Write   []string            `json:"write"`
	CTEs    []string            `json:"ctes"`
	Columns map[string][]string `json:"columns"`
}

type LineageOut struct {
	Read       []string            `json:"read" jsonschema:"relations read, as written in the SQL, sorted"`
	Write      []string            `json:"write" jsonschema:"relations written (INSERT/UPDATE/DELETE/MERGE targets, created, dropped, truncated, altered), sorted"`
	CTEs       []string            `json:"ctes" jsonschema:"CTE names defined anywhere, sorted"`
	Columns    map[string][]string `json:"columns" jsonschema:"\"target.col\" → the base columns feeding it; a SELECT's result columns are \"output.<name>\"; scripts give one hop per statement"`
	Statements []LineageStatement  `json:"statements" jsonschema:"the same facts per statement"`
	Dialect    string              `json:"dialect" jsonschema:"the parser that read the SQL: postgres or duckdb"`
	Warnings   []string            `json:"warnings,omitempty" jsonschema:"what could not be resolved, and how to fix it"`
	// OpenLineage is set when format is "openlineage". Its schema is
	// OpenLineage's, not repeated here to keep tools/list small.
	OpenLineage map[string]any `json:"openlineage,omitempty" jsonschema:"OpenLineage run-event fragment: inputs[] and outputs[] {namespace, name, facets.columnLineage (ColumnLineageDatasetFacet 1-2-0: fields.<col>.inputFields[] with transformations, dataset[])}"`
}

func lineageTool(d *Deps) server.ServerTool {
	return newTool("lineage",
		"Trace SQL lineage without running anything: which tables a statement or script reads and writes, and which source columns feed each written or selected column (through joins, subqueries, CTEs, set operations, INSERT by position, UPDATE/MERGE). Pass connection (or schema) so * and INSERT without a column list can be resolved. format \"openlineage\" adds an OpenLineage fragment.",
		hints{title: "SQL lineage", readOnly: true, idempotent: true, openWorld: true},
		func(ctx context.Context, in LineageIn) (LineageOut, error) {
			if strings.TrimSpace(in.SQL) == "" {
				return LineageOut{}, errors.New("sql is empty: pass the statement or script to trace")
			}
			if len(in.SQL) > maxLineageSQL {
				return LineageOut{}, fmt.Errorf("sql is %d bytes, over the %d-byte limit: split the script", len(in.SQL), maxLineageSQL)
			}
			format := strings.ToLower(strings.TrimSpace(in.Format))
			if format != "" && format != "openlineage" {
				return LineageOut{}, fmt.Errorf("unknown format %q: leave it out, or use \"openlineage\"", in.Format)
			}
			opts := lineage.Options{Schema: in.Schema}
			namespace := "iopsdata"
			var catalogWarning string
			if in.Connection != "" {
				h, err := d.Conns.Get(ctx, in.Connection)
				if errors.Is(err, store.ErrNotFound) {
					return LineageOut{}, onConn(in.Connection, err)
				}
				// Lineage runs nothing: a database that cannot be reached
				// only costs the catalog's columns.
				if err == nil {
					namespace = olNamespace(h.Conn)
					if h.Conn.Engine == "duckdb" {
						opts.Dialect = "duckdb" // DuckDB's parser first: DuckDB's names and syntax
					}
					var snap *catalog.Snapshot
					if snap, err = d.Catalog.Snapshot(ctx, in.Connection, h.Source, catalog.Options{}); err == nil {
						var path []string
						if path, err = catalog.SearchPath(ctx, h.Source); err == nil {
							opts.Catalog = newSnapshotColumns(snap, path)
						}
					}
				}
				if err != nil {
					catalogWarning = "the catalog of " + in.Connection + " could not be read, so its columns were not used: " + message(onConn(in.Connection, err))
				}
			}
			res, err := lineage.Analyze(ctx, in.SQL, opts)
			if err != nil {
				return LineageOut{}, lineageError(err)
			}
			if catalogWarning != "" {
				res.Warnings = append([]string{catalogWarning}, res.Warnings...)
			}
			out := LineageOut{Read: res.Read, Write: res.Write, CTEs: res.CTEs, Columns: res.Columns,
				Dialect: res.Dialect, Warnings: res.Warnings, Statements: make([]LineageStatement, 0, len(res.Statements))}
			for _, st := range res.Statements {
				ls := LineageStatement{Kind: st.Kind, Read: st.Read, Write: st.Write, CTEs: st.CTEs, Columns: st.Columns}
				if len(res.Statements) > 1 {
					ls.SQL = st.SQL
				}
				out.Statements = append(out.Statements, ls)
			}
			if format == "openlineage" {
				b, err := json.Marshal(lineage.OpenLineage(res, namespace))
				if err == nil {
					err = json.Unmarshal(b, &out.OpenLineage)
				}
				if err != nil {
					return LineageOut{}, fmt.Errorf("building the OpenLineage fragment: %v", err)
				}
			}
			return out, nil
		},
		lineageText)
}

// olNamespace is a connection's OpenLineage namespace: postgres://host:port
// for PostgreSQL (OpenLineage's naming; never the user or password),
// iopsdata://<connection> otherwise.
func olNamespace(c store.Connection) string {
	if c.Engine == "postgres" {
		host, port := "", "5432"
		if u, err := url.Parse(c.DSN); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
			host = u.Hostname()
			if p := u.Port(); p != "" {
				port = p
			}
		} else {
			for _, kv := range strings.Fields(c.DSN) {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "host":
					host = strings.Trim(v, "'")
				case "port":
					port = strings.Trim(v, "'")
				}
			}
		}
		if host != "" && !strings.ContainsAny(host, ",/") && !strings.ContainsAny(port, ",") {
			return "postgres://" + net.JoinHostPort(host, port)
		}
	}
	return "iopsdata://" + c.Name
}

func lineageError(err error) error {
	var se *sqlparse.SyntaxError
	switch {
	case errors.Is(err, sqlparse.ErrEmpty):
		return errors.New("the SQL holds no statement, only comments or blanks: pass the statement to trace")
	case errors.As(err, &se):
		return fmt.Errorf("the SQL does not parse: %v. Fix the statement; lineage reads PostgreSQL syntax, and DuckDB syntax for SELECT queries", err)
	}
	return fmt.Errorf("cannot trace this SQL: %v", err)
}

func lineageText(o LineageOut) string {
	var b strings.Builder
	fmt.Fprintf(&b, "read: %s\nwrite: %s\n", listOrNone(o.Read), listOrNone(o.Write))
	if len(o.CTEs) > 0 {
		fmt.Fprintf(&b, "ctes: %s\n", strings.Join(o.CTEs, ", "))
	}
	if len(o.Columns) > 0 {
		b.WriteString("columns:\n")
		keys := make([]string, 0, len(o.Columns))
		for k := range o.Columns {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s <- %s\n", k, listOrNone(o.Columns[k]))
		}
	}
	if len(o.Statements) > 1 {
		for i, st := range o.Statements {
			fmt.Fprintf(&b, "statement %d (%s): read %s; write %s\n", i+1, st.Kind, listOrNone(st.Read), listOrNone(st.Write))
		}
	}
	for _, w := range o.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if o.OpenLineage != nil {
		j, _ := json.Marshal(o.OpenLineage)
		fmt.Fprintf(&b, "openlineage: %s\n", j)
	}
	return b.String()
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

// snapshotColumns answers lineage's column lookups from a catalog
// snapshot: schema.table exactly (case-insensitively last), and a bare name
// as the connection would resolve it (see schemaOf).
type snapshotColumns struct {
	byQual     map[string][]string
	fold       map[string][]string // lower-case schema.table
	byName     map[string][]string // bare name → schemas holding it, in catalog order
	searchPath []string
}

func newSnapshotColumns(s *catalog.Snapshot, searchPath []string) *snapshotColumns {
	c := &snapshotColumns{byQual: map[string][]string{}, byName: map[string][]string{}, fold: map[string][]string{}, searchPath: searchPath}
	if len(c.searchPath) == 0 {
		c.searchPath = []string{"public"}
		if s.Engine == source.DuckDB {
			c.searchPath = []string{"main"}
		}
	}
	// DuckDB matches names case-insensitively, and lineage folds DuckDB
	// SQL to lower case: so does its catalog.
	fold := func(n string) string { return n }
	if s.Engine == source.DuckDB {
		fold = strings.ToLower
		c.fold = nil
	}
	for _, t := range s.Tables {
		cols := make([]string, len(t.Columns))
		for i, col := range t.Columns {
			cols[i] = fold(col.Name)
		}
		t.Schema, t.Name = fold(t.Schema), fold(t.Name)
		q := t.Schema + "." + t.Name
		c.byQual[q] = cols
		if c.fold != nil {
			c.fold[strings.ToLower(q)] = cols
		}
		c.byName[t.Name] = append(c.byName[t.Name], t.Schema)
	}
	return c
}

// schemaOf is the schema a bare table name means: the first schema of the
// search path holding it, else the only schema holding it, else the first
// schema of the search path.
func (c *snapshotColumns) schemaOf(name string) string {
	for _, s := range c.searchPath {
		if _, ok := c.byQual[s+"."+name]; ok {
			return s
		}
	}
	if ss := c.byName[name]; len(ss) == 1 {
		return ss[0]
	}
	return c.searchPath[0]
}

func (c *snapshotColumns) Columns(n relq.Name) ([]string, bool) {
	if len(n) == 3 {
		n = n[1:]
	}
	switch len(n) {
	case 2:
		if cols, ok := c.byQual[n.String()]; ok {
			return cols, true
		}
		cols, ok := c.fold[strings.ToLower(n.String())]
		return cols, ok
	case 1:
		cols, ok := c.byQual[c.schemaOf(n[0])+"."+n[0]]
		return cols, ok
	}
	return nil, false
}
