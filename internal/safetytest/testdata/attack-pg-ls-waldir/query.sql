SELECT * FROM pg_ls_waldir()
