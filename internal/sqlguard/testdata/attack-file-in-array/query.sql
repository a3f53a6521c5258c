SELECT ARRAY[pg_read_file('/etc/passwd')]
