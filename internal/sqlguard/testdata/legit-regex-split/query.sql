SELECT regexp_split_to_table('a,b,c', ','), regexp_count('aaa', 'a')
