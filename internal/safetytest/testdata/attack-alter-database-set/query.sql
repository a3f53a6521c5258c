ALTER DATABASE {{DB}} SET default_transaction_read_only = off
