SELECT region, array_agg(id ORDER BY id) AS ids FROM sales WHERE id <= 8 GROUP BY region ORDER BY region
