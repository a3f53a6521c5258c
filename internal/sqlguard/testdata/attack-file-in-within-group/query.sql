SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY length(pg_read_file('/etc/passwd'))) FROM canary
