SELECT regexp_replace(label, '\d+', '#', 'g'), regexp_match(label, '^(\w+)'), label ~ '^row', label ~* 'ROW', label !~ 'x' FROM canary
