SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)
