DROP VIEW sales_by_region
