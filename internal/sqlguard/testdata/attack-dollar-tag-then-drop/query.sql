SELECT $a$x$a$; DROP TABLE canary
