SELECT query_to_xml('DELETE FROM canary RETURNING id', true, false, '')
