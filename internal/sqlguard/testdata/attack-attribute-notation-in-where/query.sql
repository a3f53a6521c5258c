SELECT id FROM canary c WHERE c.vol_touch > 0
