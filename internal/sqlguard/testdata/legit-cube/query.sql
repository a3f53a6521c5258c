SELECT region, product, sum(amount) FROM sales GROUP BY CUBE (region, product) ORDER BY 1, 2
