SELECT query_to_xml('SELECT pg_read_file(''{{SCRATCH}}/secret.txt'')', true, false, '')
