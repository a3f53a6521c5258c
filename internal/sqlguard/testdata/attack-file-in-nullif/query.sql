SELECT NULLIF(pg_read_file('/etc/passwd'), '')
