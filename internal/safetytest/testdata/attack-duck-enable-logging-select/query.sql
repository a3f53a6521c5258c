SELECT * FROM enable_logging(storage = 'stdout')
