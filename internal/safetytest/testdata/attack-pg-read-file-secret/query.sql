SELECT pg_read_file('{{HOME}}/secret.txt')
