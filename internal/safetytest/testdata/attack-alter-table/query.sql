ALTER TABLE canary ADD COLUMN pwned integer
