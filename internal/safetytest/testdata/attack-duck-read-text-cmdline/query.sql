SELECT * FROM read_text('/proc/self/cmdline')
