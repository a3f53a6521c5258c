SELECT * FROM read_blob('{{HOME}}/iopsdata.db')
