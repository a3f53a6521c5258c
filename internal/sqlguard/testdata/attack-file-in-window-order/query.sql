SELECT sum(id) OVER (ORDER BY pg_read_file('/etc/passwd')) FROM canary
