SELECT CAST(amount AS integer) AS i, amount * 2 AS double_amount FROM canary WHERE id = 3
