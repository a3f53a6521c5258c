PIVOT sales ON region IN ('north', 'south') USING sum(qty) GROUP BY product ORDER BY product
