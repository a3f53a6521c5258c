SELECT id, qty, lag(qty) OVER w AS prev, lead(qty) OVER w AS next FROM sales WHERE id <= 6 WINDOW w AS (ORDER BY id) ORDER BY id
