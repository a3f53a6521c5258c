SELECT * FROM pg_create_logical_replication_slot('s', 'test_decoding')
