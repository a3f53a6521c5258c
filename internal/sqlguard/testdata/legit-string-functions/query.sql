SELECT to_char(now(), 'YYYY-MM-DD'), format('%s-%s', 1, 'a'), split_part('a.b.c', '.', 2), left(label, 3), lpad(id::text, 5, '0'), concat_ws('/', 'a', 'b') FROM canary
