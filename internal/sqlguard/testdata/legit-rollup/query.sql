SELECT region, product, sum(amount) FROM sales GROUP BY ROLLUP (region, product)
