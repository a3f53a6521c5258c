SELECT relname, reltuples FROM pg_catalog.pg_class WHERE relkind = 'r' ORDER BY reltuples DESC LIMIT 10
