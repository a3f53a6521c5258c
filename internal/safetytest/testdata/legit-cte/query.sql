WITH r AS (SELECT region, sum(qty) AS q FROM sales GROUP BY region) SELECT region, q FROM r ORDER BY region
