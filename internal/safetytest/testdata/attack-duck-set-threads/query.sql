SET threads = 64
