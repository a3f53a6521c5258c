SELECT ts_rank(to_tsvector('english', label), plainto_tsquery('english', 'row')) FROM canary WHERE to_tsvector('english', label) @@ to_tsquery('row')
