CALL checkpoint()
