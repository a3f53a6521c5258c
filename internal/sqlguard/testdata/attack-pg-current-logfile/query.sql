SELECT pg_current_logfile()
