LOAD '{{SCRATCH}}/evil.duckdb_extension'
