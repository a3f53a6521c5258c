SELECT lo_unlink(424242)
