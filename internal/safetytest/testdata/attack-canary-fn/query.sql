SELECT canary_fn()
