SELECT 'canary'::regclass::text AS t, pg_relation_size('canary') > 0 AS has_pages
