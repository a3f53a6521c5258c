SELECT * FROM JSON_TABLE(to_jsonb(pg_read_file('/etc/passwd')), '$' COLUMNS (a text PATH '$')) AS jt
