SELECT pg_ls_dir('/')
