package catalog

// DuckDB catalog SQL, on the duckdb_* table functions, restricted to the
// current database (not the system or temp catalogs, nor other attached
// files). DuckDB compares strings byte-wise and folds case itself; it allows
// no two tables whose names differ only in case, and foreign keys only
// within one schema.

// duckRel is every table and view of the current database, with the columns
// the dialect contract names.
const duckRel = `
SELECT table_oid AS id, schema_name, table_name, 'table' AS kind,
       estimated_size::BIGINT AS row_estimate, coalesce(comment, '') AS comment
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal
UNION ALL
SELECT view_oid, schema_name, view_name, 'view', -1::BIGINT, coalesce(comment, '')
FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal`

var duckdbDialect = dialect{
	list: `
WITH rel AS (` + duckRel + `),
f AS (
  SELECT * FROM rel
  WHERE ($1 = '' OR schema_name = $1
         OR (NOT $2::BOOLEAN AND lower(schema_name) = lower($1)
             AND NOT EXISTS (SELECT 1 FROM rel r2 WHERE r2.schema_name = $1)))
    AND ($3 = '' OR contains(lower(schema_name), lower($3))
                 OR contains(lower(table_name), lower($3))
                 OR contains(lower(comment), lower($3)))
    AND ($4 = '' OR kind = $4)
)
SELECT t.schema_name, t.table_name, t.kind, t.row_estimate, t.comment, c.total
FROM (SELECT count(*) AS total FROM f) c
LEFT JOIN (
  SELECT * FROM f
  WHERE schema_name > $5 OR (schema_name = $5 AND table_name > $6)
  ORDER BY schema_name, table_name
  LIMIT $7::INTEGER
) t ON true
ORDER BY t.schema_name, t.table_name`,

	relations: `
WITH rel AS (` + duckRel + `)
SELECT id, schema_name, table_name, kind, row_estimate, comment
FROM rel
WHERE ($1 = '' OR lower(schema_name) = lower($1))
  AND ($2 = '' OR lower(table_name) = lower($2))
ORDER BY schema_name, table_name`,

	columns: `
SELECT column_name, data_type, is_nullable, column_default, coalesce(comment, '')
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2
ORDER BY column_index`,

	// duckdb_constraints has no referenced schema: it is the table's own.
	// referenced_table is spelled as the REFERENCES clause wrote it, hence
	// lower() (DuckDB names are unique case-insensitively).
	constraints: `
SELECT * FROM (
  SELECT CASE constraint_type WHEN 'PRIMARY KEY' THEN 'p' ELSE 'f' END AS contype,
         coalesce(constraint_name, '') AS conname,
         schema_name = $1 AND table_name = $2 AS outgoing,
         constraint_type = 'FOREIGN KEY' AND schema_name = $1
           AND lower(referenced_table) = lower($2) AS incoming,
         schema_name, table_name,
         constraint_column_names AS columns,
         CASE WHEN constraint_type = 'FOREIGN KEY' THEN schema_name END AS ref_schema,
         referenced_table AS ref_table,
         referenced_column_names AS ref_columns
  FROM duckdb_constraints()
  WHERE database_name = current_database()
    AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
) x
WHERE outgoing OR incoming
ORDER BY schema_name, table_name, conname`,

	// duckdb_indexes lists CREATE INDEX indexes only; primary-key and unique
	// constraints are backed by ART indexes too, so they are added from
	// duckdb_constraints. Index expressions come as a list literal in text:
	// a quoted column is unquoted, an expression loses the parentheses
	// DuckDB wraps it in.
	indexes: `
SELECT * FROM (
  SELECT index_name AS name,
         list_transform(coalesce(TRY_CAST(expressions AS VARCHAR[]), [expressions]), lambda e:
           CASE
             WHEN regexp_full_match(e, '"([^"]|"")*"') THEN replace(e[2:-2], '""', '"')
             WHEN starts_with(e, '(') AND ends_with(e, ')') THEN e[2:-2]
             ELSE e
           END) AS columns,
         is_unique AS is_unique, is_primary AS is_primary, 'art' AS method, '' AS predicate
  FROM duckdb_indexes()
  WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2
  UNION ALL
  SELECT coalesce(constraint_name, ''), constraint_column_names, true,
         constraint_type = 'PRIMARY KEY', 'art', ''
  FROM duckdb_constraints()
  WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2
    AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')
) x
ORDER BY is_primary DESC, name`,

	detailArgs: func(r relation) []any { return []any{r.Schema, r.Name} },
}
