SET enable_external_access = true; SELECT * FROM read_text('/etc/passwd')
