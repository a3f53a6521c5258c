SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' OR table_schema = 'public' ORDER BY 1
