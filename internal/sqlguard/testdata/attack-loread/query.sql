SELECT loread(lo_open(12345, 262144), 100)
