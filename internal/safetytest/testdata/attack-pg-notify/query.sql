SELECT pg_notify('safetytest', 'pwned')
