SELECT 'x\'; DELETE FROM canary; --'
