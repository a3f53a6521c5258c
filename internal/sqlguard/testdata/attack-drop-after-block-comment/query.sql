/* read only, promise */ DROP TABLE canary
