SET allowed_directories = ['/']
