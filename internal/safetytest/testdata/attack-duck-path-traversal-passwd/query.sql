SELECT * FROM read_csv('{{HOME}}/files/../../../../../../etc/passwd')
