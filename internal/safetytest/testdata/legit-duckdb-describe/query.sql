DESCRIBE canary
