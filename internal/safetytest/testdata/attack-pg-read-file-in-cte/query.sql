WITH f AS (SELECT pg_read_file('{{SCRATCH}}/secret.txt') AS s) SELECT length(s) FROM f
