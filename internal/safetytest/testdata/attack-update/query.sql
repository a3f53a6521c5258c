UPDATE canary SET amount = 0
