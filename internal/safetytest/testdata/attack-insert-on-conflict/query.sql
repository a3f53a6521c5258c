INSERT INTO canary VALUES (1, 'pwned', 1) ON CONFLICT (id) DO UPDATE SET name = 'pwned'
