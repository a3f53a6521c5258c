SELECT count(*) FROM canary WHERE name = (SELECT pg_read_file('{{SCRATCH}}/secret.txt'))
