SELECT CAST(pg_read_file('{{SCRATCH}}/secret.txt') AS varchar(100))
