VACUUM canary
