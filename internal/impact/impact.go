// Package impact answers "what depends on this table (or column)?": which
// views and logged queries read it, directly or through the views and
// tables derived from it, as far as lineage reaches.
//
// The inputs are the query log grouped by shape (store.QueryGroups) and
// the view definitions of the connections (catalog.Views); each is
// analyzed by internal/lineage (or any Analyzer). The walk is breadth
// first: the target is depth 0; a view or logged query reading a relation
// of depth d is a dependent of depth d+1; a view, and a table a logged
// query writes (INSERT ... SELECT, CREATE TABLE AS, MERGE, UPDATE ...
// FROM), becomes a relation of the same depth that further views and
// queries may read.
//
// Only what can read a relation is analyzed: a query cannot read a
// relation whose name does not appear in its text, so each round keeps the
// SQL texts containing, case-insensitively, the last name part of some
// relation of the frontier (see prefilter), and analyzes those not
// analyzed yet, once each, in parallel.
package impact

import (
	"context"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/catalog"
	"github.com/iopsdata/iopsdata/internal/lineage"
	"github.com/iopsdata/iopsdata/store"
)

// Request is one impact question.
type Request struct {
	// Table is the relation whose dependents are wanted: "orders",
	// "public.orders", `"Sales"."Orders"`, "db.public.orders". Unquoted
	// parts fold to lower case, as SQL does; an unquoted part with upper
	// case letters also matches the name exactly as written.
	Table string
	// Column narrows the question to one column (optional).
	Column string
	// Connection limits the question to one stored connection ("" = all).
	Connection string
	// Limit caps the dependents returned (0 = 100).
	Limit int
	// MaxDepth stops the walk at this depth (0 = no limit; 1 = direct
	// dependents only).
	MaxDepth int
}

// Data is what the dependents are searched in.
type Data struct {
	// Groups are the query log's groups (store.QueryGroups); those of
	// other connections than Request.Connection are ignored.
	Groups []store.QueryGroup
	// Views are the view definitions of each connection, by connection
	// name (catalog.Views).
	Views map[string][]catalog.ViewDef
}

// Analyzer returns the lineage of one SQL text run on a connection. The
// connection lets the caller pick the dialect and catalog
// (lineage.Options) for it.
type Analyzer func(ctx context.Context, connection, sql string) (*lineage.Result, error)

// Engine runs impact questions. The zero value is usable.
type Engine struct {
	// Analyze analyzes one SQL text; nil means lineage.Analyze with
	// default options.
	Analyze Analyzer
	// DefaultSchema names the schema an unqualified table name means on a
	// connection: the first schema of the search path that holds it
	// ("public" for PostgreSQL, "main" for DuckDB by default). nil, or "",
	// means unknown: then a bare name matches a qualified one with the
	// same last part, in any schema.
	DefaultSchema func(connection, name string) string
	// Workers analyze in parallel; 0 means GOMAXPROCS.
	Workers int
	// Budget bounds the time spent analyzing (0 = none). Past it, the
	// queries not analyzed yet are left out, the least run ones first, and
	// a note says how many: a log of 100,000 distinct queries all naming
	// the table takes seconds to analyze.
	Budget time.Duration
}

// Dependent kinds.
const (
	KindView         = "view"
	KindMaterialized = "materialized view"
	KindTable        = "table"
	KindQuery        = "query"
)

// Roles: how a dependent uses what it depends on.
const (
	RoleFeeds   = "feeds"   // a column of it feeds an output or written column
	RoleFilters = "filters" // a column of it is used in WHERE, JOIN, GROUP BY, ORDER BY ...
	RoleReads   = "reads"   // read without a known column (count(*), unresolved *)
	RoleWrites  = "writes"  // the target itself is written (depth 1 only)
	// RoleUnresolved: asked about a column, it reads the relation but the
	// analysis could not resolve all its columns (SELECT * or unqualified
	// columns without a catalog): it may use the column.
	RoleUnresolved = "unresolved"
)

// Dependent is one view, table or logged query that depends on the target.
type Dependent struct {
	Kind string `json:"kind"`
	// Name is a view's or table's qualified name, quoted where SQL needs it.
	Name       string `json:"name,omitempty"`
	Connection string `json:"connection,omitempty"`
	// Fingerprint, Count, LastSeen: the logged query's group. For a table,
	// the fingerprint and SQL are those of a query that writes it.
	Fingerprint string    `json:"fingerprint,omitempty"`
	SQL         string    `json:"sql,omitempty"`
	Count       int       `json:"count,omitempty"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	// Depth is 1 for a direct dependent of the target.
	Depth int `json:"depth"`
	// Via is the relation, or column, it depends through: the target at
	// depth 1, a view or table of depth Depth-1 beyond.
	Via string `json:"via"`
	// Role says how it uses Via: feeds, filters (both: "feeds, filters"),
	// reads (no column known), writes.
	Role string `json:"role"`
	// Columns are, for a view or table, its columns fed by Via, as
	// "v.x ← t.c".
	Columns []string `json:"columns,omitempty"`
	// Reads are the columns of Via it uses.
	Reads []string `json:"reads,omitempty"`
	// Writes are the relations a logged query writes.
	Writes []string `json:"writes,omitempty"`
}

// Result is the answer to one Request.
type Result struct {
	Dependents []Dependent `json:"dependents"`
	// Scanned is the number of query log groups considered, Analyzed the
	// number of them analyzed (the rest cannot read any relation of the
	// walk). View definitions are not counted.
	Scanned  int      `json:"scanned"`
	Analyzed int      `json:"analyzed"`
	Notes    []string `json:"notes,omitempty"`
}

const (
	defaultLimit = 100
	maxSQLShown  = 2000 // bytes of example SQL in a Dependent
)

// Run answers req over d.
func (e *Engine) Run(ctx context.Context, req Request, d Data) (*Result, error) {
	targets, folded, err := parseTarget(req.Table)
	if err != nil {
		return nil, err
	}
	var cols []string
	if strings.TrimSpace(req.Column) != "" {
		c, f, err := parseColumn(req.Column)
		if err != nil {
			return nil, err
		}
		cols, folded = c, folded || f
	}
	w := e.newWalk(ctx, req, d)
	if folded {
		w.notef("unquoted names fold to lower case; the upper-case spelling was matched too. Quote a name (\"Orders\") to match it exactly")
	}
	for _, t := range targets {
		r := rel{conn: req.Connection, schema: t[0], name: t[1]}
		w.addNode(&node{rel: r, root: true}, cols, 0)
		w.roots = append(w.roots, w.nodes[r])
	}
	if err := w.run(); err != nil {
		return nil, err
	}
	return w.result(req.Limit), nil
}

// ---- names ----
