SELECT pg_stat_reset()
