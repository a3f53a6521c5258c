SELECT * FROM canary c, LATERAL dblink('dbname=postgres', 'SELECT 1') AS t(a int)
