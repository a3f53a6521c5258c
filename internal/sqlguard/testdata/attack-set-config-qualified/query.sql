SELECT pg_catalog.set_config('transaction_read_only', 'off', true)
