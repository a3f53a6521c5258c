SELECT lo_unlink(12345)
