SELECT * FROM ts_stat('DELETE FROM canary RETURNING to_tsvector(label)')
