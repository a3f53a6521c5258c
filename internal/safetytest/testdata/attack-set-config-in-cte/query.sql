WITH x AS (SELECT set_config('default_transaction_read_only', 'off', false) AS v) SELECT v FROM x
