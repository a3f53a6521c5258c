SELECT * FROM set_config('search_path', 'evil', false)
