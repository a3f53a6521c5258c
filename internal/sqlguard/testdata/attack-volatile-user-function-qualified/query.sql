SELECT app.send_email('boss@example.com', 'hi')
