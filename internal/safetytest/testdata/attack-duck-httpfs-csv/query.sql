SELECT * FROM read_csv('https://example.com/data.csv')
