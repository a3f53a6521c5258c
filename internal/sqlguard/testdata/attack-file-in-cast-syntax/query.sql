SELECT CAST(pg_read_file('/etc/passwd') AS text)
