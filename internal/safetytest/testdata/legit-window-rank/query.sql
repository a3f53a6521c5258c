SELECT id, region, qty, rank() OVER (PARTITION BY region ORDER BY qty DESC, id) AS rnk FROM sales ORDER BY region, rnk, id LIMIT 12
