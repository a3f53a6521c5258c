WITH u AS MATERIALIZED (UPDATE canary SET name = 'pwned' RETURNING id) SELECT count(*) FROM u
