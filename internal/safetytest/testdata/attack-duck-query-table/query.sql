SELECT * FROM query_table('canary')
