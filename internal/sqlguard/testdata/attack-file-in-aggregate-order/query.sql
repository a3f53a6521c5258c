SELECT string_agg(label, ',' ORDER BY pg_read_file('/etc/passwd')) FROM canary
