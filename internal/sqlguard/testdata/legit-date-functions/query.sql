SELECT date_trunc('week', created_at), extract(epoch FROM now() - created_at), age(created_at), created_at AT TIME ZONE 'UTC', date_bin('15 minutes', created_at, timestamp '2024-01-01') FROM canary
