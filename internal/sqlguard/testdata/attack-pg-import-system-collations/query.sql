SELECT pg_import_system_collations('pg_catalog')
