SELECT CASE WHEN true THEN pg_read_file('/etc/passwd') END
