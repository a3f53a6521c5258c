SELECT greatest('a', pg_read_file('/etc/passwd'))
