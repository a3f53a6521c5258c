SELECT 1 AS one ORDER BY pg_read_file('{{SCRATCH}}/secret.txt')
