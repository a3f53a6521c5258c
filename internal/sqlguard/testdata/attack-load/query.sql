LOAD 'auto_explain'
