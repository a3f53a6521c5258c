COPY canary TO '/tmp/canary.csv'
