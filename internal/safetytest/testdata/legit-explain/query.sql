EXPLAIN SELECT count(*) FROM sales WHERE region = 'north'
