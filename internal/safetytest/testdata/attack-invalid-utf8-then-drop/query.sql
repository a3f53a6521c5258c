SELECT 'ÿþ'; DROP TABLE canary
