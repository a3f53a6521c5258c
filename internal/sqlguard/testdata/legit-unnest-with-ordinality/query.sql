SELECT * FROM unnest(ARRAY['x', 'y']) WITH ORDINALITY AS t(v, i)
