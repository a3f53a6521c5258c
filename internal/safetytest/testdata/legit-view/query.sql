SELECT region, revenue FROM sales_by_region ORDER BY region
