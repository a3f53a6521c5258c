SELECT $$ ; $$; DROP TABLE canary
