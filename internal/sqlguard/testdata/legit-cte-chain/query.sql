WITH a AS (SELECT id FROM canary), b AS (SELECT id * 2 AS id FROM a) SELECT max(id) FROM b
