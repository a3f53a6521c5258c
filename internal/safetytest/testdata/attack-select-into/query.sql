SELECT * INTO pwned FROM canary
