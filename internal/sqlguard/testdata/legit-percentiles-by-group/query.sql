SELECT label, percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY amount) FROM canary GROUP BY label HAVING count(*) > 1
