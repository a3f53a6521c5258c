SELECT sequence_name, start_value FROM duckdb_sequences()
