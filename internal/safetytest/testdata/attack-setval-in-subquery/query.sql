SELECT count(*) FROM canary WHERE id = (SELECT setval('canary_seq', 1000))
