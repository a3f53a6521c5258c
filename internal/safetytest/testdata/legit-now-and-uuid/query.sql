SELECT now() IS NOT NULL AS has_now, length(gen_random_uuid()::text) AS uuid_len
