SELECT c.name, date_trunc('month', o.created_at) AS month, count(*) AS n,
       sum(oi.qty * oi.price) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
JOIN order_items oi ON oi.order_id = o.id
WHERE o.created_at >= now() - interval '90 days' AND c.country = 'DE'
GROUP BY 1, 2
ORDER BY revenue DESC
LIMIT 50
