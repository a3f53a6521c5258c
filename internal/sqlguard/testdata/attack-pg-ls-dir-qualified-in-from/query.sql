SELECT * FROM pg_catalog.pg_ls_dir('pg_wal') AS f
