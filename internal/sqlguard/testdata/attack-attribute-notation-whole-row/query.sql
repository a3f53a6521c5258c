SELECT (c.*).vol_touch FROM canary c
