SELECT c.id, f FROM canary c, LATERAL pg_read_file('{{SCRATCH}}/secret.txt') f LIMIT 1
