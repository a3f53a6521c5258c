SELECT * FROM canary WHERE pg_try_advisory_xact_lock(id)
