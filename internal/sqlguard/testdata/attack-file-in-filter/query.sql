SELECT count(*) FILTER (WHERE pg_read_file('/etc/passwd') <> '') FROM canary
