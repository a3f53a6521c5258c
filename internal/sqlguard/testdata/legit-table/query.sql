TABLE canary
