SELECT set_config(U&'search\005fpath', 'evil', false)
