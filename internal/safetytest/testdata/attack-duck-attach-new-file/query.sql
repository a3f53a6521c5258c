ATTACH '{{SCRATCH}}/pwned.duckdb' AS pwned
