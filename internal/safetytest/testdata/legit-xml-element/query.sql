SELECT xmlelement(name r, xmlattributes(id AS id), name) AS x FROM canary WHERE id = 1
