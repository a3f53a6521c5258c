SELECT pg_file_write('{{SCRATCH}}/pwned_adminpack', 'x', false)
