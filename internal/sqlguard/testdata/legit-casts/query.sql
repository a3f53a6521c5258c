SELECT '42'::int, CAST('3.14' AS numeric(10, 2)), '2024-01-01'::date + 1, 'abc'::text::varchar(2), 1::bigint::text
