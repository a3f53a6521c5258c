CALL dbgen(sf = 0.01)
