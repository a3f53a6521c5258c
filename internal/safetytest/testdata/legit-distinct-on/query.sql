SELECT DISTINCT ON (region) region, id, qty FROM sales ORDER BY region, qty DESC, id
