package slbench

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteDuckDB(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tiny.duckdb")
	db := tinyDB(true)
	db.Tables[0].Columns[2].Description = "it's where they are from"
	st, err := WriteDuckDB(ctx, path, db)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tables != 2 || st.ForeignKeys != 1 || st.Comments != 2 {
		t.Errorf("stats = %+v", st)
	}
	conn, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT table_name, column_name, data_type, coalesce(comment, '')
		FROM duckdb_columns() WHERE database_name = current_database() ORDER BY table_name, column_index`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][4]string
	for rows.Next() {
		var r [4]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := [][4]string{
		{"concert", "concert_ID", "DOUBLE", ""},
		{"concert", "Singer_ID", "DOUBLE", ""},
		{"concert", "Year", "VARCHAR", ""},
		{"singer", "Singer_ID", "DOUBLE", "id of the singer"},
		{"singer", "Name", "VARCHAR", ""},
		{"singer", "Home Town", "VARCHAR", "it's where they are from"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestDuckDBType(t *testing.T) {
	for in, want := range map[string]string{
		"text": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "real": "DOUBLE", "datetime": "TIMESTAMP",
		"VARCHAR(16777216)": "VARCHAR", "NUMBER(38,0)": "BIGINT", "NUMBER(10,2)": "DECIMAL(10,2)",
		"TIMESTAMP_NTZ(9)": "TIMESTAMP", "TIMESTAMP_TZ(9)": "TIMESTAMPTZ", "VARIANT": "VARCHAR", "BINARY(8)": "BLOB",
	} {
		if got := DuckDBType(in); got != want {
			t.Errorf("DuckDBType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteDuckDBSchemaNamedLikeFile(t *testing.T) {
	// Spider 2.0 schemas may be named like the database (ADVENTUREWORKS/ADVENTUREWORKS).
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "SALES.duckdb")
	ddl := "create or replace TABLE ORDERS (\n\t\"id\" NUMBER(38,0),\n\t\"placed\" TIMESTAMP_NTZ(9)\n);"
	db := &Database{ID: "SALES", Tables: []*Table{{Key: "sales.sales.orders", Name: "ORDERS", Schema: "SALES",
		Description: "one row per order", DDL: ddl, Columns: ParseDDLColumns(ddl)}}}
	if _, err := WriteDuckDB(ctx, path, db); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var schema, comment string
	var cols int
	err = conn.QueryRowContext(ctx, `SELECT schema_name, comment, column_count FROM duckdb_tables()
		WHERE database_name = current_database() AND table_name = 'ORDERS'`).Scan(&schema, &comment, &cols)
	if err != nil {
		t.Fatal(err)
	}
	if schema != "SALES" || comment != "one row per order" || cols != 2 {
		t.Errorf("got schema %q comment %q columns %d", schema, comment, cols)
	}
}
