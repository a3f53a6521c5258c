SELECT obj_description('canary'::regclass, 'pg_class') AS comment
