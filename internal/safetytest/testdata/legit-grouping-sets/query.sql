SELECT region, product, count(*) AS n FROM sales GROUP BY GROUPING SETS ((region), (product)) ORDER BY region NULLS LAST, product NULLS LAST
