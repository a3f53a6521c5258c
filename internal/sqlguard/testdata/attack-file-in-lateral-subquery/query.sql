SELECT * FROM canary c, LATERAL (SELECT pg_read_file('/etc/passwd')) x
