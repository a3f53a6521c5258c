SELECT pg_create_restore_point('x')
