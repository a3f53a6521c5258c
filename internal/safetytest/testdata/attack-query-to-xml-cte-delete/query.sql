SELECT query_to_xml('WITH d AS (DELETE FROM canary RETURNING id) SELECT * FROM d', true, false, '')
