SELECT E'x\\'; DELETE FROM canary; --'
