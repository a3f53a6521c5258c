SELECT pg_get_viewdef('v'::regclass), has_table_privilege('canary', 'SELECT'), obj_description('canary'::regclass), format_type(atttypid, atttypmod) FROM pg_attribute LIMIT 1
