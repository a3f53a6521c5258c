VALUES (nextval('canary_seq'))
