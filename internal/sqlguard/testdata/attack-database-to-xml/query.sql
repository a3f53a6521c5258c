SELECT database_to_xml(true, false, '')
