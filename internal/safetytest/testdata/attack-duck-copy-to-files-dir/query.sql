COPY (SELECT * FROM canary) TO '{{HOME}}/files/pwned.parquet' (FORMAT parquet)
