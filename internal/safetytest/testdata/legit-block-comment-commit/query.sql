SELECT /* COMMIT; DELETE FROM canary; */ 1 AS one
