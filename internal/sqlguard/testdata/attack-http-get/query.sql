SELECT * FROM http_get('http://169.254.169.254/latest/meta-data/')
