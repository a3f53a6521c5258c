SELECT query_to_xml('DELETE FROM canary RETURNING *', true, false, '')
