SELECT json_agg(name ORDER BY id) AS names FROM emp
