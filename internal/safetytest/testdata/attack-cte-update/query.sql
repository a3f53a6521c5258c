WITH u AS (UPDATE canary SET amount = 0 RETURNING id) SELECT count(*) FROM u
