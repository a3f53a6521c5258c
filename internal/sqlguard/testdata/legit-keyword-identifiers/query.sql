SELECT "commit", "drop" FROM (SELECT 1 AS "commit", 2 AS "drop") AS s
