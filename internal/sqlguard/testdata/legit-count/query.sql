SELECT count(*) FROM canary
