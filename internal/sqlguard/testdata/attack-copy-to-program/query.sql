COPY canary TO PROGRAM 'touch /tmp/pwned'
