COPY canary TO 'pwned_relative.csv'
