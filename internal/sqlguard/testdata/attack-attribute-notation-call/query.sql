SELECT t.vol_touch FROM canary AS t
