NOTIFY channel, 'payload'
