SELECT pg_read_file(p) FROM (VALUES ('{{SCRATCH}}/secret.txt')) v(p)
