SELECT $x$; DROP TABLE canary; --
