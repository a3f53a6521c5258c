INSERT INTO canary VALUES (1000, 'pwned', 1)
