SELECT pg_backup_start('x')
