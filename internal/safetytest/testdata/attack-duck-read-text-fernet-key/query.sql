SELECT * FROM read_text('{{HOME}}/fernet.key')
