SELECT lo_put(424242, 0, 'pwned')
