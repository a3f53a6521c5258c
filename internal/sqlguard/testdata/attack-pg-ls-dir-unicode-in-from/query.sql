SELECT * FROM U&"\0070\0067_ls_dir"('.')
