SELECT name, setting FROM pg_settings WHERE name = 'standard_conforming_strings'
