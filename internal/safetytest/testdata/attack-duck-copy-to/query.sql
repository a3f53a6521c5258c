COPY canary TO '{{SCRATCH}}/pwned.csv'
