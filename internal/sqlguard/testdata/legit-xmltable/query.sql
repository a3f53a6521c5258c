SELECT * FROM XMLTABLE('/rows/row' PASSING ('<rows><row a="1"/></rows>'::xml) COLUMNS a int PATH '@a')
