SELECT ROW(pg_read_file('/etc/passwd'))
