SELECT 1 AS one; -- DROP TABLE canary
