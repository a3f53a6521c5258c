CREATE TABLE pwned AS SELECT * FROM read_text('{{HOME}}/secret.txt')
