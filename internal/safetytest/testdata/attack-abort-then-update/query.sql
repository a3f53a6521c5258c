ABORT; UPDATE canary SET amount = 0
