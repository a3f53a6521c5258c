SET home_directory = '{{HOME}}'
