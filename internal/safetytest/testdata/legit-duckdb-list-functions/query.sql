SELECT list_sum([1, 2, 3]) AS s, [x * 2 FOR x IN [1, 2]] AS doubled
