SELECT * FROM glob('{{HOME}}/files/../*')
