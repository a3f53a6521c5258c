SELECT canary_definer()
