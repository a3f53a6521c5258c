SELECT * INTO TEMP stolen FROM canary
