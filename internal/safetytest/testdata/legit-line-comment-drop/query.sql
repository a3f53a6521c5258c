-- DROP TABLE canary; COMMIT;
SELECT count(*) AS n FROM canary
