ATTACH 'pwned_relative.duckdb' AS pwned
