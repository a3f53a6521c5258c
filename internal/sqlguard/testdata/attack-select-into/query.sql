SELECT * INTO stolen FROM canary
