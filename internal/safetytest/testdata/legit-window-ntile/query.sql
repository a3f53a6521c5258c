SELECT id, ntile(4) OVER (ORDER BY price, id) AS quartile FROM sales WHERE id <= 8 ORDER BY id
