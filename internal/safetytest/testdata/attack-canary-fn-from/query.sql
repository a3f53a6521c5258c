SELECT * FROM canary_fn()
