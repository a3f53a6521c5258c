SELECT $a$ $b$ $a$; DROP TABLE canary; -- $b$
