SELECT * FROM pg_read_binary_file('{{SCRATCH}}/secret.txt')
