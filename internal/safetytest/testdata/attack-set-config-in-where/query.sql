SELECT id FROM canary WHERE set_config('safetytest.attack', 'pwned', false) IS NOT NULL LIMIT 1
