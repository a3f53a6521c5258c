SELECT * FROM XMLTABLE('/r' PASSING (pg_read_file('/etc/x.xml')::xml) COLUMNS a int)
