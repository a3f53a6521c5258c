SELECT pg_rotate_logfile()
