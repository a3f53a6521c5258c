SELECT "pg_read_file"('{{SCRATCH}}/secret.txt')
