EXPLAIN UPDATE canary SET label = 'x' WHERE id = 1
