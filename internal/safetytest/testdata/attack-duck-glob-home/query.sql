SELECT * FROM glob('{{HOME}}/*')
