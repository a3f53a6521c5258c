COPY canary FROM '/etc/passwd'
