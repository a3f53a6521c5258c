COPY (SELECT * FROM canary) TO '{{SCRATCH}}/pwned_query.csv' WITH (FORMAT csv)
