COPY canary TO '/dev/stdout'
