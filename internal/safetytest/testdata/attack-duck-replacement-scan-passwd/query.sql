FROM '/etc/passwd'
