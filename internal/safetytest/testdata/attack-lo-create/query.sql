SELECT lo_create(0)
