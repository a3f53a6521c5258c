WITH t AS (SELECT id, label FROM canary) SELECT * FROM t WHERE id > 10
