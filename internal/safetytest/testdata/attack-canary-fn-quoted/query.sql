SELECT public."canary_fn"()
