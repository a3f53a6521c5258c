SELECT nextval('canary_seq'::regclass) FROM generate_series(1, 10)
