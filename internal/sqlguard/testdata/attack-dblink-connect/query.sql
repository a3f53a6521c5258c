SELECT dblink_connect('c', 'dbname=postgres')
