SELECT pid, state, query FROM pg_stat_activity WHERE datname = current_database()
