SELECT product, sum(qty) AS q FROM sales GROUP BY product HAVING sum(qty) > 50 ORDER BY product
