SELECT query_to_xmlschema('SELECT 1', true, false, '')
