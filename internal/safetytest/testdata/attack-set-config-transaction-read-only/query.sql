SELECT set_config('transaction_read_only', 'off', false)
