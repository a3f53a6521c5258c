SELECT format('%s-%s', 'a', 1) AS f, to_char(DATE '2024-03-05', 'YYYY/MM/DD') AS d
