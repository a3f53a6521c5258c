UPDATE canary SET label = 'x'
