/* /* nested */ SELECT */ DELETE FROM canary
