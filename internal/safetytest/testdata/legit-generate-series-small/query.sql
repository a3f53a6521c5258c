SELECT sum(g) AS total FROM generate_series(1, 100) AS t(g)
