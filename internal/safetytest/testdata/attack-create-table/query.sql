CREATE TABLE pwned (i integer)
