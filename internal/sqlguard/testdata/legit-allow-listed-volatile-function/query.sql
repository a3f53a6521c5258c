SELECT vol_audit(id) FROM canary
