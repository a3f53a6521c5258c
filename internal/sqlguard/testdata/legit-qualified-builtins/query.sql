SELECT pg_catalog.lower('A'), pg_catalog.now(), pg_catalog.count(*) FROM canary
