SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'canary' ORDER BY ordinal_position
