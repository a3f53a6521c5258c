SELECT table_to_xml('canary', true, false, '')
