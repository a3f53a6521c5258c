SELECT * FROM canary a JOIN canary b ON pg_read_file('/etc/passwd') = a.label
