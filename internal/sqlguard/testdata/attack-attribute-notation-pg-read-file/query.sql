SELECT length(('PG_VERSION'::text).pg_read_file)
