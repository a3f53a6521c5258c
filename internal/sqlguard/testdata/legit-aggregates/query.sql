SELECT label, string_agg(id::text, ',' ORDER BY id), array_agg(DISTINCT amount), avg(amount), stddev(amount), count(DISTINCT id) FROM canary GROUP BY label
