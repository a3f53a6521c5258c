DROP TABLE canary
