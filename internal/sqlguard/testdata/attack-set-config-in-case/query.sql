SELECT CASE WHEN id = 1 THEN set_config('a.b', 'c', false) END FROM canary
