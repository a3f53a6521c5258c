SELECT ('canary_seq'::regclass).nextval
