SELECT count(*) BETWEEN 0 AND 100 AS ok FROM canary WHERE random() < 0.5
