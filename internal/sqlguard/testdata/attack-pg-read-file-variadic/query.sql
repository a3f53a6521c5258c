SELECT concat(VARIADIC ARRAY[pg_read_file('/etc/passwd')])
