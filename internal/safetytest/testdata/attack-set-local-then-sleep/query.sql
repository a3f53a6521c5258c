SET LOCAL statement_timeout = 0; SELECT pg_sleep(10)
