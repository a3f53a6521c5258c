SELECT 1 ORDER BY pg_read_file('/etc/passwd')
