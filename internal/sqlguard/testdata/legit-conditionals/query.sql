SELECT coalesce(label, '-'), nullif(amount, 0), greatest(1, 2, 3), least(1, 2), num_nulls(label, amount) FROM canary
