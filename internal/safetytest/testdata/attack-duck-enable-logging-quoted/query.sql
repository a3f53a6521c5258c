SELECT * FROM "enable_logging" /* x */ (storage = 'stdout')
