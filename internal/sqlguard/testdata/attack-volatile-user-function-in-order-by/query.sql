SELECT id FROM canary ORDER BY refresh_cache(id)
