SELECT pg_get_viewdef('sales_by_region'::regclass) IS NOT NULL AS has_def
