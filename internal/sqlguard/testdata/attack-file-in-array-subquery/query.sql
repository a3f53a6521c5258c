SELECT ARRAY(SELECT pg_read_file('/etc/passwd'))
