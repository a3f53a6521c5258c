SELECT {'a': 1, 'b': 'x'} AS s, MAP {'k': 1} AS m
