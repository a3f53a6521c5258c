SELECT * EXCLUDE (amount) FROM canary WHERE id < 3 ORDER BY id
