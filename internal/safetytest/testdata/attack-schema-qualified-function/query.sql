SELECT pg_catalog.pg_read_file('{{SCRATCH}}/secret.txt')
