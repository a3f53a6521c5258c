SELECT 'it''s; COMMIT; DELETE FROM canary' AS s
