SELECT getenv('HOME') AS h
