package lineage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"

	"github.com/iopsdata/iopsdata/internal/testutil"
)

// gsqlDBName is the database name used in three-part names (db.schema.table)
// in golden.json. PostgreSQL only accepts the current database there, so the
// test substitutes the name of the test database.
var gsqlDBName = regexp.MustCompile(`\biopsdw\.`)

// gsqlTxControl matches scripts that manage their own transaction; those run in
// a database of their own instead of inside BEGIN ... ROLLBACK.
var gsqlTxControl = regexp.MustCompile(`(?im)^\s*(BEGIN|COMMIT|ROLLBACK|END|START\s+TRANSACTION)\s*;`)

var gsqlTransformTypes = map[string]bool{
	"DIRECT/IDENTITY": true, "DIRECT/TRANSFORMATION": true, "DIRECT/AGGREGATION": true,
	"INDIRECT/CONDITIONAL": true, "INDIRECT/WINDOW": true,
}

func gsqlLoad(t *testing.T) ([]goldenCase, string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatalf("read golden.json: %v", err)
	}
	var cases []goldenCase
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		t.Fatalf("parse golden.json: %v", err)
	}
	schema, err := os.ReadFile(filepath.Join("testdata", "schema.sql"))
	if err != nil {
		t.Fatalf("read schema.sql: %v", err)
	}
	return cases, string(schema)
}

// gsqlCheckFormat validates the file itself: ids, sorting, fields.
func gsqlCheckFormat(t *testing.T, cases []goldenCase) {
	t.Helper()
	if len(cases) < 170 {
		t.Errorf("golden.json has %d cases, want at least 170", len(cases))
	}
	seen := map[string]bool{}
	for i, c := range cases {
		if want := fmt.Sprintf("lin-own-%03d", i+1); c.ID != want {
			t.Errorf("case #%d: id %q, want %q (sequential)", i+1, c.ID, want)
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate id", c.ID)
		}
		seen[c.ID] = true
		if strings.TrimSpace(c.SQL) == "" || strings.TrimSpace(c.Note) == "" {
			t.Errorf("%s: empty sql or note", c.ID)
		}
		for name, list := range map[string][]string{"read": c.Read, "write": c.Write, "ctes": c.CTEs} {
			if list == nil {
				t.Errorf("%s: %s missing (use [])", c.ID, name)
			}
			if !slices.IsSorted(list) {
				t.Errorf("%s: %s not sorted: %q", c.ID, name, list)
			}
			if len(slices.Compact(slices.Clone(list))) != len(list) {
				t.Errorf("%s: %s has duplicates: %q", c.ID, name, list)
			}
		}
		for k, v := range c.Columns {
			if v == nil {
				t.Errorf("%s: columns[%s] is null (use [])", c.ID, k)
			}
			if !slices.IsSorted(v) {
				t.Errorf("%s: columns[%s] not sorted: %q", c.ID, k, v)
			}
		}
		if c.Dialect != "" && c.Dialect != "duckdb" {
			t.Errorf("%s: unknown dialect %q", c.ID, c.Dialect)
		}
		for k, m := range c.Transforms {
			src, ok := c.Columns[k]
			if !ok {
				t.Errorf("%s: transforms key %s is not a columns key", c.ID, k)
				continue
			}
			var got []string
			for s, typ := range m {
				got = append(got, s)
				for _, one := range strings.Split(typ, "+") { // several types join with "+"
					if !gsqlTransformTypes[one] {
						t.Errorf("%s: transforms[%s][%s] = %q is not a valid type", c.ID, k, s, typ)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, src) {
				t.Errorf("%s: transforms[%s] sources %q differ from columns %q", c.ID, k, got, src)
			}
		}
	}
}

// gsqlSplitRel splits a schema key as written ("Finance.Ledger", "customers")
// into PostgreSQL schema and relation names (db part dropped, bare = public).
func gsqlSplitRel(key string) (string, string) {
	parts := strings.Split(key, ".")
	switch len(parts) {
	case 1:
		return "public", parts[0]
	default:
		return parts[len(parts)-2], parts[len(parts)-1]
	}
}

// gsqlRelColumns returns the ordered column names of a relation (table, view or
// materialized view), or nil when it does not exist.
func gsqlRelColumns(ctx context.Context, conn *pgx.Conn, key string) ([]string, error) {
	schema, rel := gsqlSplitRel(key)
	rows, err := conn.Query(ctx, `SELECT a.attname FROM pg_attribute a
		WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, $2::text))
		  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, schema, rel)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// gsqlRun runs one case's SQL on conn (already inside a transaction when the
// caller wants one). COPY ... FROM STDIN / TO STDOUT go through the copy
// protocol with empty input / discarded output.
func gsqlRun(ctx context.Context, conn *pgx.Conn, sqlText string) error {
	trimmed := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sqlText), ";"))
	upper := strings.ToUpper(trimmed)
	if strings.HasPrefix(upper, "COPY ") && !strings.Contains(trimmed, ";") {
		switch {
		case strings.Contains(upper, "FROM STDIN"):
			_, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(""), trimmed)
			return err
		case strings.Contains(upper, "TO STDOUT"):
			_, err := conn.PgConn().CopyTo(ctx, io.Discard, trimmed)
			return err
		}
	}
	_, err := conn.PgConn().Exec(ctx, sqlText).ReadAll()
	return err
}

func TestGoldenSQLRuns(t *testing.T) {
	cases, schemaSQL := gsqlLoad(t)
	gsqlCheckFormat(t, cases)

	dsn := testutil.PGDatabase(t, schemaSQL)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SET statement_timeout = '30s'"); err != nil {
		t.Fatal(err)
	}
	var dbName string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&dbName); err != nil {
		t.Fatal(err)
	}
	dbPrefix := pgx.Identifier{dbName}.Sanitize() + "."

	// "schema" tables that exist in schema.sql must match it exactly; the
	// others must be created by the case's own script (checked after it runs).
	pending := map[string][]string{} // case id -> schema keys to check after running
	for _, c := range cases {
		for key, want := range c.Schema {
			got, err := gsqlRelColumns(ctx, conn, key)
			if err != nil {
				t.Fatalf("%s: columns of %s: %v", c.ID, key, err)
			}
			if len(got) == 0 {
				if c.Dialect == "duckdb" {
					t.Errorf("%s: schema table %s does not exist in schema.sql", c.ID, key)
				}
				pending[c.ID] = append(pending[c.ID], key)
				continue
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: schema[%s] = %q, but schema.sql has %q", c.ID, key, want, got)
			}
		}
	}

	checkPending := func(c goldenCase, conn *pgx.Conn) {
		for _, key := range pending[c.ID] {
			got, err := gsqlRelColumns(ctx, conn, key)
			if err != nil {
				t.Errorf("%s: columns of %s: %v", c.ID, key, err)
				continue
			}
			_, rel := gsqlSplitRel(key)
			switch {
			case len(got) > 0 && !slices.Equal(got, c.Schema[key]):
				t.Errorf("%s: schema[%s] = %q, but the script creates %q", c.ID, key, c.Schema[key], got)
			case len(got) == 0 && !strings.Contains(strings.ToLower(c.SQL), strings.ToLower(rel)):
				t.Errorf("%s: schema table %s exists neither in schema.sql nor in the case's script", c.ID, key)
			}
		}
	}

	nPG, nDuck := 0, 0
	for _, c := range cases {
		if c.Dialect == "duckdb" {
			continue
		}
		nPG++
		sqlText := gsqlDBName.ReplaceAllString(c.SQL, dbPrefix)
		if gsqlTxControl.MatchString(sqlText) {
			// The script commits: give it a pristine database of its own.
			own := testutil.PGDatabase(t, schemaSQL)
			oc, err := pgx.Connect(ctx, own)
			if err != nil {
				t.Fatalf("%s: connect: %v", c.ID, err)
			}
			if err := gsqlRun(ctx, oc, sqlText); err != nil {
				t.Errorf("%s: PostgreSQL rejected the script: %v\n%s", c.ID, err, c.SQL)
			} else {
				checkPending(c, oc)
			}
			oc.Close(context.Background())
			continue
		}
		if _, err := conn.PgConn().Exec(ctx, "BEGIN").ReadAll(); err != nil {
			t.Fatalf("%s: BEGIN: %v", c.ID, err)
		}
		if err := gsqlRun(ctx, conn, sqlText); err != nil {
			t.Errorf("%s: PostgreSQL rejected the SQL: %v\n%s", c.ID, err, c.SQL)
		} else {
			checkPending(c, conn)
		}
		if _, err := conn.PgConn().Exec(ctx, "ROLLBACK").ReadAll(); err != nil {
			t.Fatalf("%s: ROLLBACK: %v", c.ID, err)
		}
	}

	// DuckDB-only cases run in an in-memory DuckDB holding the tables they use.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatalf("open duckdb: %v", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, gsqlDuckDDL); err != nil {
		t.Fatalf("duckdb setup: %v", err)
	}
	for _, c := range cases {
		if c.Dialect != "duckdb" {
			continue
		}
		nDuck++
		rows, err := db.QueryContext(ctx, c.SQL)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err != nil {
			t.Errorf("%s: DuckDB rejected the SQL: %v\n%s", c.ID, err, c.SQL)
		}
		// The lineage engine reads DuckDB's own parse tree, which
		// json_serialize_sql only produces for SELECT statements.
		var tree string
		if err := db.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql($1::VARCHAR) AS VARCHAR)", c.SQL).Scan(&tree); err != nil {
			t.Errorf("%s: json_serialize_sql: %v", c.ID, err)
			continue
		}
		var parsed struct {
			Error        bool   `json:"error"`
			ErrorMessage string `json:"error_message"`
		}
		if err := json.Unmarshal([]byte(tree), &parsed); err != nil || parsed.Error {
			t.Errorf("%s: json_serialize_sql cannot serialize it: %v %s", c.ID, err, parsed.ErrorMessage)
		}
	}
	t.Logf("%d cases: %d run on PostgreSQL, %d on DuckDB", len(cases), nPG, nDuck)
}

// gsqlDuckDDL is the part of testdata/schema.sql that the duckdb-dialect
// cases use, translated to DuckDB.
const gsqlDuckDDL = `
CREATE SCHEMA sales; CREATE SCHEMA hr; CREATE SCHEMA shipping;
CREATE TABLE customers(id INTEGER, name VARCHAR, email VARCHAR, region VARCHAR, created_at TIMESTAMPTZ, segment VARCHAR);
CREATE TABLE products(id INTEGER, sku VARCHAR, title VARCHAR, category VARCHAR, price DECIMAL(10,2), active BOOLEAN);
CREATE TABLE stores(id INTEGER, city VARCHAR, region VARCHAR, opened_on DATE);
CREATE TABLE sales.orders(id INTEGER, customer_id INTEGER, store_id INTEGER, ordered_at TIMESTAMPTZ, status VARCHAR, total DECIMAL(12,2));
CREATE TABLE hr.employees(id INTEGER, first_name VARCHAR, last_name VARCHAR, dept_id INTEGER, manager_id INTEGER, hired_on DATE, salary DECIMAL(10,2), store_id INTEGER);
CREATE TABLE shipping.shipments(id INTEGER, order_id INTEGER, carrier VARCHAR, shipped_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ, weight_kg DECIMAL(10,3), tracking VARCHAR);
CREATE TABLE hr.salary_history(employee_id INTEGER, changed_on DATE, old_salary DECIMAL(12,2), new_salary DECIMAL(12,2));
CREATE TABLE events(id INTEGER, user_id INTEGER, ts TIMESTAMP, tags VARCHAR[], props STRUCT(k VARCHAR, v INTEGER));
CREATE TABLE trades(sym VARCHAR, ts TIMESTAMP, qty INTEGER);
CREATE TABLE quotes(sym VARCHAR, ts TIMESTAMP, price DOUBLE);
CREATE TABLE monthly(store_id INTEGER, month VARCHAR, amount DECIMAL(10,2));
INSERT INTO customers VALUES (1, 'Ann', 'ann@example.com', 'EU', now(), 'vip');
INSERT INTO stores VALUES (1, 'Lyon', 'EU', DATE '2020-01-01');
INSERT INTO products VALUES (1, 'SKU-1', 'Mug', 'kitchen', 9.5, true);
`
