WITH a AS (SELECT id, qty FROM sales WHERE qty > 3), b AS (SELECT count(*) AS n, sum(qty) AS q FROM a) SELECT n, q FROM b
