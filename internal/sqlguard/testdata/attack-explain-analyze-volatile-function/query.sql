EXPLAIN ANALYZE SELECT vol_audit(id) FROM canary
