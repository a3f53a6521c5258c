SET memory_limit = '100GB'
