SELECT count(*) >= 1 AS someone FROM pg_stat_activity
