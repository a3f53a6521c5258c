SELECT 1 WHERE EXISTS (SELECT pg_read_file('/etc/passwd'))
