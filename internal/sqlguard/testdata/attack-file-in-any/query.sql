SELECT 1 = ANY(ARRAY[length(pg_read_file('/etc/passwd'))])
