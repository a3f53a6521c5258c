SELECT * FROM read_parquet('{{HOME}}/iopsdata.db')
