SELECT * INTO TEMP pwned FROM canary
