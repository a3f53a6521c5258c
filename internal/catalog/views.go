package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/iopsdata/iopsdata/internal/source"
)

// ViewDef is the definition of one view or materialized view, as a whole
// statement a SQL analyzer can read (internal/lineage): "CREATE VIEW
// schema.name AS <definition>" or "CREATE MATERIALIZED VIEW ...".
type ViewDef struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Kind   string `json:"kind"` // "view" or "materialized view"
	SQL    string `json:"sql"`
}

// View kinds of ViewDef.Kind (spelled as SQL does, unlike Table.Kind).
const (
	ViewKindView         = "view"
	ViewKindMaterialized = "materialized view"
)

// pgViewsSQL lists the views and materialized views outside the system
// schemas (and other sessions' temporary schemas) with their definitions,
// as pg_get_viewdef prints them: columns qualified as the view's search
// path needs.
const pgViewsSQL = `
SELECT schemaname::text COLLATE "C" AS s, viewname::text COLLATE "C" AS n, 'view' AS k, coalesce(definition, '') AS d
FROM pg_catalog.pg_views
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
  AND schemaname NOT LIKE 'pg\_toast%' AND schemaname NOT LIKE 'pg\_temp\_%'
UNION ALL
SELECT schemaname::text COLLATE "C", matviewname::text COLLATE "C", 'materialized view', coalesce(definition, '')
FROM pg_catalog.pg_matviews
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2`

// duckViewsSQL lists the views of the current database; sql already holds
// the CREATE VIEW statement. DuckDB has no materialized views.
const duckViewsSQL = `
SELECT schema_name AS s, view_name AS n, 'view' AS k, coalesce(sql, '') AS d
FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal
ORDER BY 1, 2`

// viewLimits: view definitions may be long, and a database may hold many.
var viewLimits = source.Limits{MaxRows: 100_000, MaxBytes: 256 << 20, Timeout: time.Minute}

// Views returns every view and materialized view of the database outside
// the system schemas, in schema, name order, each with a CREATE statement.
func Views(ctx context.Context, src source.Source) ([]ViewDef, error) {
	var q string
	switch src.Engine() {
	case source.Postgres:
		q = pgViewsSQL
	case source.DuckDB:
		q = duckViewsSQL
	default:
		return nil, fmt.Errorf("catalog: engine %q is not supported", src.Engine())
	}
	res, err := src.Query(ctx, q, viewLimits)
	if err != nil {
		return nil, fmt.Errorf("catalog: views: %w", err)
	}
	if res.Truncated {
		return nil, fmt.Errorf("catalog: views: more than %d rows (%s)", len(res.Rows), res.TruncatedBy)
	}
	out := make([]ViewDef, 0, len(res.Rows))
	for _, r := range res.Rows {
		if len(r) != 4 {
			return nil, fmt.Errorf("catalog: views: got %d fields, want 4", len(r))
		}
		v := ViewDef{Schema: toString(r[0]), Name: toString(r[1]), Kind: toString(r[2])}
		def := strings.TrimSpace(toString(r[3]))
		if src.Engine() == source.DuckDB {
			v.SQL = duckViewSQL(v, def)
		} else {
			v.SQL = viewSQL(v, def)
		}
		out = append(out, v)
	}
	return out, nil
}

// viewSQL builds the CREATE statement of a PostgreSQL view from its
// definition (a query ending in a semicolon).
func viewSQL(v ViewDef, def string) string {
	def = strings.TrimSpace(strings.TrimSuffix(def, ";"))
	create := "CREATE VIEW "
	if v.Kind == ViewKindMaterialized {
		create = "CREATE MATERIALIZED VIEW "
	}
	return create + QuoteIdent(v.Schema) + "." + QuoteIdent(v.Name) + " AS\n" + def
}

// duckViewSQL returns DuckDB's own CREATE VIEW statement, without its
// trailing semicolon. DuckDB writes the view's name unqualified when it is
// in main; another schema's view gets its schema. A definition that is not
// a CREATE statement (never seen) is treated as a bare query.
func duckViewSQL(v ViewDef, def string) string {
	def = strings.TrimSpace(strings.TrimSuffix(def, ";"))
	if !strings.HasPrefix(strings.ToUpper(def), "CREATE ") {
		return "CREATE VIEW " + QuoteAlways(v.Schema) + "." + QuoteAlways(v.Name) + " AS\n" + def
	}
	return def
}

// SearchPath returns the schemas an unqualified table name is looked up
// in, in order: PostgreSQL's current_schemas(false), DuckDB's main.
func SearchPath(ctx context.Context, src source.Source) ([]string, error) {
	if src.Engine() != source.Postgres {
		return []string{"main"}, nil
	}
	res, err := src.Query(ctx, `SELECT s::text FROM unnest(current_schemas(false)) AS s`, source.Limits{MaxRows: 1000, MaxBytes: 1 << 20, Timeout: 10 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("catalog: search path: %w", err)
	}
	out := make([]string, 0, len(res.Rows))
	for _, r := range res.Rows {
		if len(r) == 1 {
			out = append(out, toString(r[0]))
		}
	}
	return out, nil
}
