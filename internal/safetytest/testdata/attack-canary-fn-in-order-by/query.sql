SELECT id FROM canary ORDER BY canary_fn() LIMIT 1
