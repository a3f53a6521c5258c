SELECT count(*) FROM canary WHERE canary_fn() = 1
