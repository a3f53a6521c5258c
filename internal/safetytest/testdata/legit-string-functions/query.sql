SELECT upper(name) AS u, length(name) AS len, replace(name, 'row', 'r') AS r, split_part(name, ' ', 2) AS part FROM canary WHERE id IN (1, 42) ORDER BY id
