SELECT * FROM query_table(['canary', 'sales'], true)
