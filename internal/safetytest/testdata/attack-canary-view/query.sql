SELECT * FROM canary_view LIMIT 1
