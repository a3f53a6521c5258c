SELECT * FROM nextval('canary_seq')
