SELECT 1 /* ; */ ; DROP TABLE canary
