SELECT setval('canary_seq', 1)
