TRUNCATE canary
