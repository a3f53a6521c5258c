COPY canary TO PROGRAM 'touch {{SCRATCH}}/pwned_program'
