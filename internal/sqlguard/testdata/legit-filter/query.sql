SELECT count(*) FILTER (WHERE amount > 10) AS big, count(*) AS total FROM canary
