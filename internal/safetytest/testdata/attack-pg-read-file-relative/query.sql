SELECT pg_read_file('postgresql.auto.conf')
