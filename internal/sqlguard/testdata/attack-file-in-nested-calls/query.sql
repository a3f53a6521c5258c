SELECT upper(lower(md5(pg_read_file('/etc/passwd'))))
