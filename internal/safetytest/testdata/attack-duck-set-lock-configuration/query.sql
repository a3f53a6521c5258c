SET lock_configuration = false
