SELECT pg_read_file('/etc/passwd') COLLATE "C"
