SELECT CAST(date_trunc('month', sold_on) AS date) AS month, count(*) AS n FROM sales GROUP BY 1 ORDER BY 1 LIMIT 4
