SELECT DISTINCT ON (pg_read_file('/etc/passwd')) id FROM canary
