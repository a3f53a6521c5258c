-- DROP TABLE canary; COMMIT;
SELECT 1 /* DELETE FROM canary; */
