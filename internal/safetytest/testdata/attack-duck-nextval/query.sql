SELECT nextval('canary_seq')
