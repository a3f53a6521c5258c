EXPLAIN SELECT pg_read_file('/etc/passwd')
