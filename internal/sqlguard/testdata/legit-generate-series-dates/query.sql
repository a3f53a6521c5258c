SELECT d::date FROM generate_series(date '2024-01-01', date '2024-12-31', interval '1 month') AS d
