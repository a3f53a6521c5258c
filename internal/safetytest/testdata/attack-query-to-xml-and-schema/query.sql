SELECT query_to_xml_and_xmlschema('UPDATE canary SET amount = 0 RETURNING id', true, false, '')
