INSTALL evil FROM 'http://127.0.0.1:1/'
