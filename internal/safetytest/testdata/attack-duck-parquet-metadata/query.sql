SELECT * FROM parquet_metadata('{{HOME}}/iopsdata.db')
