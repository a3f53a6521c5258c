SELECT 'a\' AS q, 1 AS "x' , pg_ls_dir(chr(46)) AS z --"
