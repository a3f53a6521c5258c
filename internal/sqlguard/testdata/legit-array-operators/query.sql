SELECT ARRAY[1, 2] && ARRAY[2, 3], ARRAY[1, 2] @> ARRAY[1], cardinality(ARRAY[1, 2]), array_length(ARRAY[1], 1)
