SELECT region, id, qty FROM sales QUALIFY row_number() OVER (PARTITION BY region ORDER BY qty DESC, id) = 1 ORDER BY region
