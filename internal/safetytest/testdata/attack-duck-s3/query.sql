SELECT * FROM read_parquet('s3://bucket/key.parquet')
