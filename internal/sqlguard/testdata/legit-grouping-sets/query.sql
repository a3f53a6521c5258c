SELECT label, date_trunc('month', created_at) AS m, sum(amount), grouping(label) FROM canary GROUP BY GROUPING SETS ((label), (date_trunc('month', created_at)), ())
