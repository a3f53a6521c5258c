SELECT pg_read_file('/etc/passwd', 0, 100)
