SELECT pg_read_file('{{HOME}}/fernet.key')
