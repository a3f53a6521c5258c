SELECT pg_catalog.pg_read_file('/etc/passwd')
