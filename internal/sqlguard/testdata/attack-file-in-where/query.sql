SELECT * FROM canary WHERE length(pg_read_file('/etc/passwd')) > 0
