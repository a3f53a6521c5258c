SELECT pg_replication_origin_create('o')
