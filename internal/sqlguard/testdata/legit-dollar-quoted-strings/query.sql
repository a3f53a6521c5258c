SELECT $$DROP TABLE canary; COMMIT;$$ AS s, $tag$it's $$ fine$tag$ AS t
