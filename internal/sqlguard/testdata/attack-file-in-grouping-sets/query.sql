SELECT 1 FROM canary GROUP BY GROUPING SETS ((pg_read_file('/etc/passwd')), ())
