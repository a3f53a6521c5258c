SELECT * FROM pg_read_file('{{SCRATCH}}/secret.txt')
