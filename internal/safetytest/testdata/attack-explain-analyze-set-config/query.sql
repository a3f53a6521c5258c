EXPLAIN ANALYZE SELECT set_config('safetytest.attack', 'pwned', false)
