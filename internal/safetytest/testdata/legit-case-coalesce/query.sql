SELECT id, CASE WHEN manager_id IS NULL THEN 'boss' ELSE 'staff' END AS kind, coalesce(manager_id, 0) AS m FROM emp ORDER BY id
