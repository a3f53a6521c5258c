WITH a AS (SELECT 1), b AS (UPDATE canary SET id = id RETURNING id), c AS (SELECT 2) SELECT * FROM a, c
