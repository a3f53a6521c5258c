SELECT c.id, g FROM canary c, LATERAL generate_series(1, c.id % 3) AS g
