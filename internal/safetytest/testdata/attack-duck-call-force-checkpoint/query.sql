CALL force_checkpoint()
