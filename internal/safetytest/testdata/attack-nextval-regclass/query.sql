SELECT nextval('canary_seq'::regclass)
