SELECT * FROM canary TABLESAMPLE bernoulli (length(pg_read_file('/etc/passwd')))
