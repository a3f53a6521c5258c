ATTACH ':memory:' AS scratch
