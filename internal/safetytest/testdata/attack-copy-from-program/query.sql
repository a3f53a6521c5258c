COPY canary FROM PROGRAM 'echo 1000,pwned,1' WITH (FORMAT csv)
