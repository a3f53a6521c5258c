SELECT * FROM query_to_xml('INSERT INTO canary VALUES (1000, ''pwned'', 1) RETURNING id', true, false, '') x
