TABLE canary; DELETE FROM canary
