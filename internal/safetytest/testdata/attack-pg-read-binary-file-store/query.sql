SELECT length(pg_read_binary_file('{{HOME}}/iopsdata.db'))
