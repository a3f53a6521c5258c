;;; DELETE FROM canary
