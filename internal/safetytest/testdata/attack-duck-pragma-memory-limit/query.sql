PRAGMA memory_limit = '100GB'
