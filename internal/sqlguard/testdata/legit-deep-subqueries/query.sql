SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT id FROM canary WHERE id IN (SELECT id FROM canary WHERE amount > (SELECT avg(amount) FROM canary))) a) b) c
