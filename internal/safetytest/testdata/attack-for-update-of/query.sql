SELECT c.id FROM canary c JOIN sales s ON s.id = c.id FOR UPDATE OF c
