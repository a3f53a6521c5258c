SELECT E'x\'; DELETE FROM canary; --' AS s
