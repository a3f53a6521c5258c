SELECT count(*) FROM canary HAVING max(pg_read_file('/etc/hostname')) IS NOT NULL
