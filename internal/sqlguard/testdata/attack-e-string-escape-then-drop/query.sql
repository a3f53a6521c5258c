SELECT E'\''; DROP TABLE canary; --'
