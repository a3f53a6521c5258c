SELECT id FROM canary WHERE pg_try_advisory_lock(id) LIMIT 3
