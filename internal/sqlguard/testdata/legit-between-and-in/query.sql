SELECT * FROM canary WHERE id BETWEEN 1 AND 10 AND label IN ('a', 'b') AND amount NOT IN (1, 2)
