COPY (SELECT 1) TO PROGRAM 'id > {{SCRATCH}}/pwned_id'
