CALL canary_proc()
