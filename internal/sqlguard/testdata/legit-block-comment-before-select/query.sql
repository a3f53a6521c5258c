/* multi
line; DROP TABLE canary */ -- and COMMIT;
SELECT 1
