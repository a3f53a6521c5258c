SELECT * FROM canary OFFSET length(pg_read_file('/etc/passwd'))
