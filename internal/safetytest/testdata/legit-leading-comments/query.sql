/* weekly report */
-- by region
SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region
