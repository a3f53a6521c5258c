SELECT c.id, x.* FROM canary c CROSS JOIN LATERAL (SELECT * FROM canary c2 WHERE c2.id > c.id ORDER BY c2.id LIMIT 3) AS x
