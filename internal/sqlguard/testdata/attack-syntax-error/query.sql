SELEC * FROM canary
