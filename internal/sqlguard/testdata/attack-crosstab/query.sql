SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(a int, b int)
