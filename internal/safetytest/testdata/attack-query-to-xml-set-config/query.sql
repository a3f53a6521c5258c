SELECT query_to_xml('SELECT set_config(''safetytest.attack'', ''pwned'', false)', true, false, '')
