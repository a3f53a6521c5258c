SELECT e.name FROM emp e WHERE EXISTS (SELECT 1 FROM emp x WHERE x.manager_id = e.id) ORDER BY e.name
