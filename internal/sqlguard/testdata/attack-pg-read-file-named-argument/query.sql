SELECT pg_read_file(filename => '/etc/passwd')
