package slbench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // database/sql driver "duckdb"
)

// LoadStats counts what WriteDuckDB wrote and what DuckDB could not take.
type LoadStats struct {
	Tables, Columns, Comments, ForeignKeys int
	SkippedForeignKeys                     int // DuckDB needs the target to be a PK created earlier
	SkippedColumns                         int // case-insensitive duplicates
}

// WriteDuckDB writes db's schema (no rows) to a new DuckDB file at path:
// tables, columns with DuckDB types, primary keys, the foreign keys DuckDB
// accepts, and COMMENT ON TABLE / COLUMN with the descriptions.
func WriteDuckDB(ctx context.Context, path string, db *Database) (LoadStats, error) {
	var st LoadStats
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return st, err
	}
	for _, p := range []string{path, path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return st, err
		}
	}
	conn, err := sql.Open("duckdb", path)
	if err != nil {
		return st, fmt.Errorf("open duckdb: %w", err)
	}
	defer conn.Close()
	var catalog string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&catalog); err != nil {
		return st, fmt.Errorf("current database: %w", err)
	}
	for _, stmt := range schemaStatements(db, catalog, &st) {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return st, fmt.Errorf("%s: %w", firstLine(stmt), err)
		}
	}
	return st, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// schemaStatements builds the DDL. Identifiers and literals are quoted by
// quoteIdent / quoteLiteral; DDL takes no bind parameters.
// Schema-qualified names also carry the catalog, since a Spider 2.0 schema
// may be named like the database file.
func schemaStatements(db *Database, catalog string, st *LoadStats) []string {
	qq := func(schema, name string) string {
		if schema == "" {
			return quoteIdent(name)
		}
		return quoteIdent(catalog) + "." + quoteIdent(schema) + "." + quoteIdent(name)
	}
	var stmts []string
	schemas := map[string]bool{}
	created := map[string]bool{} // lower qualified name
	pkOf := map[string][]string{}
	typeOf := map[string]string{} // lower qualified table + "." + lower column
	for _, t := range db.Tables {
		q := strings.ToLower(qualified(t.Schema, t.Name))
		pkOf[q] = t.PrimaryKey
		for _, c := range t.Columns {
			typeOf[q+"."+strings.ToLower(c.Name)] = DuckDBType(c.Type)
		}
	}
	for _, t := range db.Tables {
		if t.Schema != "" && !schemas[t.Schema] {
			schemas[t.Schema] = true
			stmts = append(stmts, "CREATE SCHEMA IF NOT EXISTS "+quoteIdent(catalog)+"."+quoteIdent(t.Schema))
		}
		name := qualified(t.Schema, t.Name)
		if created[strings.ToLower(name)] {
			continue
		}
		var defs []string
		seen := map[string]bool{}
		var cols []Column
		for _, c := range t.Columns {
			if seen[strings.ToLower(c.Name)] {
				st.SkippedColumns++
				continue
			}
			seen[strings.ToLower(c.Name)] = true
			cols = append(cols, c)
			defs = append(defs, quoteIdent(c.Name)+" "+DuckDBType(c.Type))
		}
		if len(defs) == 0 {
			defs = append(defs, `"_no_columns" VARCHAR`)
		}
		if len(t.PrimaryKey) > 0 && allIn(t.PrimaryKey, seen) {
			defs = append(defs, "PRIMARY KEY ("+quoteList(t.PrimaryKey)+")")
		}
		for _, fk := range t.ForeignKeys {
			ref := strings.ToLower(qualified(t.Schema, fk.RefTable))
			pk := pkOf[ref]
			// Self references and forward references are left out, as are
			// targets that are not the referenced table's whole primary key.
			ok := created[ref] && ref != strings.ToLower(name) && len(pk) == 1 &&
				strings.EqualFold(pk[0], fk.RefColumn) && seen[strings.ToLower(fk.Column)] &&
				typeOf[ref+"."+strings.ToLower(fk.RefColumn)] == DuckDBType(colType(cols, fk.Column))
			if !ok {
				st.SkippedForeignKeys++
				continue
			}
			defs = append(defs, "FOREIGN KEY ("+quoteIdent(fk.Column)+") REFERENCES "+
				qq(t.Schema, fk.RefTable)+" ("+quoteIdent(fk.RefColumn)+")")
			st.ForeignKeys++
		}
		stmts = append(stmts, "CREATE TABLE "+qq(t.Schema, t.Name)+" (\n  "+strings.Join(defs, ",\n  ")+"\n)")
		created[strings.ToLower(name)] = true
		st.Tables++
		st.Columns += len(cols)
		if t.Description != "" {
			stmts = append(stmts, "COMMENT ON TABLE "+qq(t.Schema, t.Name)+" IS "+quoteLiteral(t.Description))
			st.Comments++
		}
		for _, c := range cols {
			if c.Description != "" {
				stmts = append(stmts, "COMMENT ON COLUMN "+qq(t.Schema, t.Name)+"."+quoteIdent(c.Name)+
					" IS "+quoteLiteral(c.Description))
				st.Comments++
			}
		}
	}
	return stmts
}

func colType(cols []Column, name string) string {
	for _, c := range cols {
		if strings.EqualFold(c.Name, name) {
			return c.Type
		}
	}
	return ""
}

func allIn(cols []string, set map[string]bool) bool {
	for _, c := range cols {
		if !set[strings.ToLower(c)] {
			return false
		}
	}
	return true
}

func qualified(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

func quoteIdent(s string) string   { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

var numberType = regexp.MustCompile(`^(?:NUMBER|NUMERIC|DECIMAL)\((\d+),\s*(\d+)\)$`)

// DuckDBType maps Spider/BIRD/Snowflake column types to DuckDB types.
func DuckDBType(t string) string {
	u := strings.ToUpper(strings.TrimSpace(t))
	if m := numberType.FindStringSubmatch(u); m != nil {
		if m[2] == "0" {
			return "BIGINT"
		}
		return "DECIMAL(" + m[1] + "," + m[2] + ")"
	}
	base := u
	if i := strings.IndexAny(base, "( "); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT":
		return "BIGINT"
	case "NUMBER", "NUMERIC", "DECIMAL", "REAL", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE":
		return "DOUBLE"
	case "BOOLEAN", "BOOL":
		return "BOOLEAN"
	case "DATE":
		return "DATE"
	case "TIME":
		return "TIME"
	case "DATETIME", "TIMESTAMP", "TIMESTAMP_NTZ":
		return "TIMESTAMP"
	case "TIMESTAMP_LTZ", "TIMESTAMP_TZ":
		return "TIMESTAMPTZ"
	case "BINARY", "VARBINARY", "BLOB":
		return "BLOB"
	default: // text, VARCHAR(n), VARIANT, OBJECT, ARRAY, GEOGRAPHY, others
		return "VARCHAR"
	}
}
