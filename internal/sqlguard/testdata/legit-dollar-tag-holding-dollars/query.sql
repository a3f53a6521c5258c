SELECT $a$ $$ ; DROP TABLE canary; $$ $a$
