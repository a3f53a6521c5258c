SELECT pg_read_file('{{SCRATCH}}/secret.txt', 0, 8, true) AS s
