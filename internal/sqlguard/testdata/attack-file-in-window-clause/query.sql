SELECT row_number() OVER w FROM canary WINDOW w AS (PARTITION BY pg_read_file('/etc/passwd'))
