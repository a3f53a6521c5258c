SELECT g FROM generate_series(1, 100) AS g
