ANALYZE canary
