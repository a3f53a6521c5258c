SELECT (pg_stat_file('postgresql.conf')).*
