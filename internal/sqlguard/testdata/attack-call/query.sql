CALL do_cleanup()
