SELECT lo_export(12345, '/tmp/pwned')
