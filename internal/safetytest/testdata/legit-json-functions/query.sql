SELECT jsonb_build_object('id', id, 'name', name) AS doc FROM canary WHERE id <= 2 ORDER BY id
