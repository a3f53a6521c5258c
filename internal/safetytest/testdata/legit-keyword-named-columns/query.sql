SELECT 1 AS "commit", 2 AS "drop", 3 AS "into"
