WITH "delete" AS (SELECT 1 AS x) SELECT x FROM "delete"
