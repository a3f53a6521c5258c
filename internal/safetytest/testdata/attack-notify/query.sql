NOTIFY safetytest, 'pwned'
