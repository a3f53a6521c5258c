COPY canary FROM '{{SCRATCH}}/secret.txt'
