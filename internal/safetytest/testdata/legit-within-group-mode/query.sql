SELECT mode() WITHIN GROUP (ORDER BY product) AS top_product FROM sales
