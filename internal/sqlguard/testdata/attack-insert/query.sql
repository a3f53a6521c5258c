INSERT INTO canary VALUES (1, 'x')
