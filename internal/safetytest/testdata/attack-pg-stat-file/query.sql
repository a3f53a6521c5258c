SELECT * FROM pg_stat_file('{{HOME}}/iopsdata.db')
