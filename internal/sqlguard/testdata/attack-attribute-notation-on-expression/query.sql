SELECT (1).vol_touch
