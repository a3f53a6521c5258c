SELECT 1 WHERE 'x' IN (SELECT pg_read_file('/etc/passwd'))
