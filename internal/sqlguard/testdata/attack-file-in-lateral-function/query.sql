SELECT * FROM canary c CROSS JOIN LATERAL pg_read_file('/etc/passwd') f
