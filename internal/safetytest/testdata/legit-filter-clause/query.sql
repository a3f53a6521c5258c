SELECT region, count(*) FILTER (WHERE qty > 3) AS big, count(*) AS n FROM sales GROUP BY region ORDER BY region
