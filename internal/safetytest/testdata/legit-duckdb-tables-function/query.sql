SELECT table_name FROM duckdb_tables() ORDER BY 1
