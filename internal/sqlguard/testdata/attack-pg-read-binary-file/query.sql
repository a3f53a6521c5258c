SELECT encode(pg_read_binary_file('/etc/passwd'), 'escape')
