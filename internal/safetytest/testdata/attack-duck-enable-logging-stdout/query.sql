CALL enable_logging(storage = 'stdout')
